"""Which store addresses a WooCommerce connection started from the web may name (production refuses non-public ones)."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput
from app.services.install import validated_woocommerce_url


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080", "https://localhost", "http://10.0.0.5", "http://192.168.1.20/shop",
    "http://169.254.169.254/latest", "http://[::1]:9000", "http://0.0.0.0",
])
def test_production_refuses_a_store_address_that_is_not_public(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        validated_woocommerce_url(url, public_only=True)

    assert set(refused.value.errors) == {"store_url"}


def test_production_accepts_a_public_address_and_development_a_local_one() -> None:
    assert validated_woocommerce_url("https://93.184.216.34/shop/", public_only=True) == "https://93.184.216.34/shop"
    assert validated_woocommerce_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
