"""The widget's sign-up and login links for a WooCommerce shop: the My Account page its proxy names, if any."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.models import Shop
from tests.conftest import TEST_WOO_SECRET
from tests.support.storefront import proxy_url


def account_links(client: FlaskClient, shop: Shop, clock: FixedClock, **extra: str) -> tuple[str, str]:
    response = client.get(proxy_url("customer", shop.domain, TEST_WOO_SECRET, clock.now(), None, **extra))
    assert response.status_code == 200, response.json
    program = response.json["program"]
    return program["signup_url"], program["login_url"]


def test_without_a_named_page_the_links_go_to_woocommerces_english_default(client, woo_shop, clock) -> None:
    assert account_links(client, woo_shop, clock) == ("/my-account/", "/my-account/")


@pytest.mark.parametrize(
    ("named", "path"),
    [("https://teeladen.example.de/mein-konto/", "/mein-konto/"),  # German installs name the page so
     ("https://www.teeladen.example.de/shop/mein-konto/", "/shop/mein-konto/"),
     ("https://teeladen.example.de/?page_id=9", "/?page_id=9")],  # plain permalinks
)
def test_the_links_go_to_the_account_page_the_shops_proxy_names(client, woo_shop, clock, named, path) -> None:
    assert account_links(client, woo_shop, clock, account_url=named) == (path, path)


@pytest.mark.parametrize(
    "named", ["https://elsewhere.example/mein-konto/", "https://teeladen.example.de//elsewhere.example/x", "mein-konto"]
)
def test_a_named_page_off_the_shops_own_site_is_not_linked(client, woo_shop, clock, named) -> None:
    assert account_links(client, woo_shop, clock, account_url=named) == ("/my-account/", "/my-account/")
