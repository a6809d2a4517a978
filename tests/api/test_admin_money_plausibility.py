"""Coupon amounts no shop means (a German "7,50" read as 750, or worse) are refused at their field, in euros and the
like; a shop whose currency has a small unit (yen) keeps its ordinary five-figure coupons."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.container import Container
from app.models import Shop
from tests.support.admin import admin_headers

REWARD = {"kind": "fixed_amount", "points_cost": 500, "value": "7.50", "minimum_order": None, "validity_days": 30}
GERMAN = {"Accept-Language": "de"}


def priced_in(container: Container, shop: Shop, currency: str) -> None:
    with container.uow() as uow:
        uow.session.get(Shop, shop.id).currency = currency  # type: ignore[union-attr]
        uow.commit()


def test_a_reward_worth_7_50_is_stored_as_7_50(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop)

    created = client.post("/admin/api/rewards", json=REWARD, headers=headers)

    assert created.status_code in (200, 201), created.get_json()
    assert created.get_json()["value"] == "7.50"


def test_a_euro_reward_over_ten_thousand_is_refused_as_a_typing_slip_in_the_readers_language(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop) | GERMAN

    refused = client.post("/admin/api/rewards", json={**REWARD, "value": "10000.01"}, headers=headers)
    largest = client.post("/admin/api/rewards", json={**REWARD, "value": "10000.00"}, headers=headers)

    assert refused.status_code == 422
    assert refused.get_json()["errors"]["value"] == [
        "Höchstens 10.000: ein höherer Gutschein ist vermutlich ein Tippfehler."]
    assert largest.status_code in (200, 201)
    assert [r["value"] for r in client.get("/admin/api/rewards", headers=headers).get_json()] == ["10000.00"]


def test_a_percentage_reward_over_100_and_a_negative_minimum_order_are_refused(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)

    percent = client.post("/admin/api/rewards", json={**REWARD, "kind": "percentage", "value": "750"}, headers=headers)
    negative = client.post("/admin/api/rewards", json={**REWARD, "minimum_order": "-1"}, headers=headers)

    assert (percent.status_code, list(percent.get_json()["errors"])) == (422, ["value"])
    assert (negative.status_code, list(negative.get_json()["errors"])) == (422, ["minimum_order"])


def test_a_yen_shop_may_offer_a_coupon_of_fifty_thousand(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    priced_in(container, shopify_shop, "JPY")

    created = client.post("/admin/api/rewards", json={**REWARD, "value": "50000"}, headers=admin_headers(shopify_shop))

    assert created.status_code in (200, 201), created.get_json()


def test_a_thank_you_coupon_over_ten_thousand_euros_is_refused(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop)
    current = client.get("/admin/api/rewards/settings", headers=headers).get_json()

    refused = client.put("/admin/api/rewards/settings", headers=headers,
                         json={**current, "next_purchase_kind": "fixed_amount", "next_purchase_value": "75000.00"})

    assert (refused.status_code, list(refused.get_json()["errors"])) == (422, ["next_purchase_value"])
    assert client.get("/admin/api/rewards/settings", headers=headers).get_json() == current


def test_a_welcome_coupon_over_ten_thousand_euros_is_refused_and_nothing_is_saved(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)
    current = client.get("/admin/api/referrals/settings", headers=headers).get_json()

    refused = client.put("/admin/api/referrals/settings", headers=headers,
                         json={**current, "friend_coupon_kind": "fixed_amount", "friend_coupon_value": "75000.00"})

    assert (refused.status_code, list(refused.get_json()["errors"])) == (422, ["friend_coupon_value"])
    assert client.get("/admin/api/referrals/settings", headers=headers).get_json() == current


def test_a_campaign_coupon_over_ten_thousand_euros_is_refused_and_no_campaign_starts(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)
    body = {"name": "Winter", "segment": {"kind": "all"}, "action": "coupon",
            "params": {"kind": "fixed_amount", "value": "75000", "validity_days": 30}}

    refused = client.post("/admin/api/campaigns", headers=headers, json=body)

    assert refused.status_code == 422
    assert "value" in refused.get_json()["errors"]
    assert client.get("/admin/api/campaigns", headers=headers).get_json()["campaigns"] == []
