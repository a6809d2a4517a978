"""`loyalty shops add`: a currency must be an ISO 4217 code, and a shop URL under the other scheme is the same shop."""

from __future__ import annotations

import json

import pytest

from app.repositories import ShopRepository

WOO_KEYS = ("--webhook-secret", "s", "--consumer-key", "ck", "--consumer-secret", "cs")


def domains(run) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["domain"] for row in json.loads(run("shops", "list", "--json").output)]


def test_a_currency_that_is_no_iso_4217_code_is_refused_and_nothing_is_registered(run, container) -> None:  # type: ignore[no-untyped-def]
    result = run("shops", "add", "shopify", "cur.myshopify.com", "--currency", "XYZ")

    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: The input is not valid (currency: 'XYZ' is no ISO 4217 currency code like EUR, CHF or USD)")
    assert domains(run) == []


@pytest.mark.parametrize(("typed", "stored"), [("CHF", "CHF"), ("usd", "USD"), (" gbp ", "GBP")])
def test_iso_4217_codes_are_accepted_in_any_case(run, container, typed: str, stored: str) -> None:  # type: ignore[no-untyped-def]
    result = run("shops", "add", "shopify", "cur.myshopify.com", "--currency", typed)

    assert result.exit_code == 0, result.output
    with container.uow() as uow:
        shop = ShopRepository(uow.session).get_by_domain("shopify", "cur.myshopify.com")
    assert shop is not None
    assert shop.currency == stored


@pytest.mark.parametrize(("first", "second"), [
    ("https://shop.example.de", "http://shop.example.de"),
    ("http://shop.example.de/shop", "https://SHOP.example.de/shop/"),
])
def test_a_woocommerce_url_under_the_other_scheme_is_refused_naming_the_shop_registered(  # type: ignore[no-untyped-def]
    run, container, first: str, second: str
) -> None:
    run("shops", "add", "woocommerce", first, *WOO_KEYS)

    result = run("shops", "add", "woocommerce", second, *WOO_KEYS)

    assert result.exit_code == 1
    [shop] = json.loads(run("shops", "list", "--json").output)
    assert result.output.strip() == f"Error: This shop is already registered, as shop {shop['id']} ({shop['domain']})."


def test_another_path_on_the_same_host_is_another_shop(run, container) -> None:  # type: ignore[no-untyped-def]
    run("shops", "add", "woocommerce", "https://shop.example.de/tee", *WOO_KEYS)

    result = run("shops", "add", "woocommerce", "http://shop.example.de/kaffee", *WOO_KEYS)

    assert result.exit_code == 0, result.output
    assert sorted(domains(run)) == ["http://shop.example.de/kaffee", "https://shop.example.de/tee"]
