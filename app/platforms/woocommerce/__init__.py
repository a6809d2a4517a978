"""WooCommerce: webhook adapter and payload parsing."""

from app.platforms.woocommerce.webhooks import WooCommerceWebhookAdapter, is_ping

__all__ = ["WooCommerceWebhookAdapter", "is_ping"]
