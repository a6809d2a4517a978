"""Fake Shopify and WooCommerce Admin API servers on 127.0.0.1, for integration tests."""
