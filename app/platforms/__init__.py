"""Platform adapters: turn Shopify and WooCommerce payloads and APIs into neutral snapshots and calls."""
