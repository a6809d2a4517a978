"""Pytest fixtures that run a fresh fake shop server per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce


@pytest.fixture
def fake_shopify() -> Iterator[FakeShopify]:
    """A running fake Shopify shop; point clients at `fake_shopify.api_base`."""
    with FakeShopify() as fake:
        yield fake


@pytest.fixture
def fake_woocommerce() -> Iterator[FakeWooCommerce]:
    """A running fake WooCommerce shop; its `credentials.domain` is the server's URL."""
    with FakeWooCommerce() as fake:
        yield fake
