"""Shopify: webhook adapter and payload parsing."""

from app.platforms.shopify.webhooks import ShopifyWebhookAdapter

__all__ = ["ShopifyWebhookAdapter"]
