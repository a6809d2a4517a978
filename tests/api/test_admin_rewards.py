"""Admin API of the rewards area: tiers with preview, rewards catalogue, settings, member coupons and redeem."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support.admin import admin_headers, login_with_link
from tests.support.apps import own_app
from tests.support.deliveries import ledger_ok
from tests.support.rewards import RecordingPlatform, add_reward, member_with_points, shop_for

PROGRAM = {
    "basis": "spend", "period": "lifetime", "grace_days": 14,
    "tiers": [
        {"key": "bronze", "name": "Bronze", "threshold": "0"},
        {"key": "gold", "name": "Gold", "threshold": "500", "multiplier": "2", "perks": ["Gratisversand"]},
    ],
}
REWARD = {"kind": "fixed_amount", "points_cost": 500, "value": "5.00", "minimum_order": "20.00",
          "validity_days": 30}


@pytest.fixture
def platform() -> RecordingPlatform:
    return RecordingPlatform()


@pytest.fixture
def app(settings_overrides, clock, platform) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    clients = {"shopify": platform, "woocommerce": platform}
    with own_app(settings_overrides, clock, platform_clients=clients) as application:
        yield application


def test_the_tier_programme_is_saved_and_read_back(client, shopify_shop):
    headers = admin_headers(shopify_shop)

    saved = client.put("/admin/api/tiers", json=PROGRAM, headers=headers)
    read = client.get("/admin/api/tiers", headers=headers)

    assert saved.status_code == 200, saved.get_json()
    assert read.get_json()["tiers"][1] == {
        "key": "gold", "name": "Gold", "threshold": "500.00", "multiplier": "2.00", "entry_bonus_points": 0,
        "entry_coupon_reward_id": None, "perks": ["Gratisversand"], "translations": {},
    }


def test_an_invalid_programme_answers_422_with_the_faulty_field(client, shopify_shop):
    program = {**PROGRAM, "tiers": [PROGRAM["tiers"][1], PROGRAM["tiers"][0]]}

    response = client.put("/admin/api/tiers", json=program, headers=admin_headers(shopify_shop))

    assert response.status_code == 422
    assert "tiers.1.threshold" in response.get_json()["errors"]


def test_preview_counts_members_without_saving(client, container, shopify_shop):
    member_with_points(container, shopify_shop, 600)

    response = client.post("/admin/api/tiers/preview", json=PROGRAM, headers=admin_headers(shopify_shop))

    assert response.get_json()["tiers"][1] | {"threshold": None} == {
        "key": "gold", "name": "Gold", "threshold": None, "count": 1, "current": 0}
    assert client.get("/admin/api/tiers", headers=admin_headers(shopify_shop)).get_json()["tiers"] == []


def test_a_rewards_label_is_in_the_admin_pages_language(client, shopify_shop):
    headers = admin_headers(shopify_shop)
    named = {**REWARD, "name_de": "Fünf Euro Rabatt", "name_en": "Five euro off"}

    created = client.post("/admin/api/rewards", json=named, headers=headers | {"Accept-Language": "en"})
    listed = client.get("/admin/api/rewards", headers=headers | {"Accept-Language": "de"}).get_json()

    assert created.get_json()["label"] == "Five euro off"
    assert [r["label"] for r in listed] == ["Fünf Euro Rabatt"]


def test_rewards_are_created_listed_changed_and_deactivated(client, shopify_shop):
    headers = admin_headers(shopify_shop)
    created = client.post("/admin/api/rewards", json=REWARD, headers=headers)
    reward_id = created.get_json()["id"]

    changed = client.put(f"/admin/api/rewards/{reward_id}", json={**REWARD, "name_de": "Fünf Euro"},
                         headers=headers)
    removed = client.delete(f"/admin/api/rewards/{reward_id}", headers=headers)
    listed = client.get("/admin/api/rewards", headers=headers).get_json()

    assert (created.status_code, created.get_json()["label"]) == (201, "5,00\u00a0€ Rabatt")
    assert changed.get_json()["label"] == "Fünf Euro"
    assert removed.get_json()["active"] is False
    assert [(r["id"], r["active"]) for r in listed] == [(reward_id, False)]


def test_a_percentage_over_100_is_refused_per_field(client, shopify_shop):
    response = client.post("/admin/api/rewards", json={**REWARD, "kind": "percentage", "value": "150"},
                           headers=admin_headers(shopify_shop))

    assert response.status_code == 422
    assert "value" in response.get_json()["errors"]


def test_another_shops_reward_is_not_found(client, container, shopify_shop, woo_shop):
    foreign = add_reward(container, woo_shop)

    response = client.put(f"/admin/api/rewards/{foreign.id}", json=REWARD, headers=admin_headers(shopify_shop))

    assert (response.status_code, response.get_json()["reason"]) == (404, "reward_not_found")


def test_reward_settings_round_trip_and_validate(client, shopify_shop):
    headers = admin_headers(shopify_shop)
    settings = {"next_purchase_enabled": True, "next_purchase_mode": "every_order_above",
                "next_purchase_threshold": "50.00", "next_purchase_kind": "fixed_amount",
                "next_purchase_value": "5.00", "next_purchase_minimum_order": None,
                "next_purchase_validity_days": 45, "refund_points_on_expiry": True}

    saved = client.put("/admin/api/rewards/settings", json=settings, headers=headers)
    refused = client.put("/admin/api/rewards/settings", json={**settings, "next_purchase_value": "0"},
                         headers=headers)

    assert saved.get_json() == settings
    assert client.get("/admin/api/rewards/settings", headers=headers).get_json() == settings
    assert (refused.status_code, list(refused.get_json()["errors"])) == (422, ["next_purchase_value"])


def test_the_merchant_redeems_for_a_member_and_sees_the_coupon(client, container, shopify_shop, platform):
    juergen = member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop)
    headers = admin_headers(shopify_shop)

    redeemed = client.post(f"/admin/api/members/{juergen.id}/redeem", json={"reward_id": reward.id},
                           headers=headers)
    listed = client.get(f"/admin/api/members/{juergen.id}/coupons", headers=headers).get_json()

    assert redeemed.status_code == 201, redeemed.get_json()
    assert (redeemed.get_json()["status"], redeemed.get_json()["balance"]) == ("active", 200)
    assert [(c["code"], c["status"], c["points_spent"]) for c in listed] == [
        (redeemed.get_json()["code"], "active", 500)]
    assert list(platform.codes) == [redeemed.get_json()["code"]]
    ledger_ok(container)


def test_redeeming_without_enough_points_answers_409(client, container, shopify_shop):
    juergen = member_with_points(container, shopify_shop, 100)
    reward = add_reward(container, shopify_shop)

    response = client.post(f"/admin/api/members/{juergen.id}/redeem", json={"reward_id": reward.id},
                           headers=admin_headers(shopify_shop))

    assert (response.status_code, response.get_json()["reason"]) == (409, "insufficient_points")


def test_another_shops_member_is_not_found(client, container, shopify_shop, woo_shop):
    stranger = member_with_points(container, woo_shop, 700)

    coupons = client.get(f"/admin/api/members/{stranger.id}/coupons", headers=admin_headers(shopify_shop))
    tier = client.get(f"/admin/api/members/{stranger.id}/tier", headers=admin_headers(shopify_shop))

    assert (coupons.status_code, tier.status_code) == (404, 404)


def test_a_member_tier_shows_status_and_history(client, container, shopify_shop):
    headers = admin_headers(shopify_shop)
    client.put("/admin/api/tiers", json=PROGRAM, headers=headers)
    juergen = member_with_points(container, shopify_shop, 600)

    body = client.get(f"/admin/api/members/{juergen.id}/tier", headers=headers).get_json()

    assert body["status"]["current"]["key"] == "gold"
    assert [(h["from"], h["to"], h["reason"]) for h in body["history"]] == [(None, "gold", "order")]


def test_cookie_sessions_need_the_admin_header_for_writes_and_woocommerce_shops_work(app, client, container):
    with FakeWooCommerce() as fake:
        shop = shop_for(container, "woocommerce", fake)
    headers = login_with_link(app, client, shop)

    refused = client.post("/admin/api/rewards", json=REWARD)
    created = client.post("/admin/api/rewards", json=REWARD, headers=headers)

    assert (refused.status_code, created.status_code) == (403, 201)


def test_the_rewards_api_requires_a_signed_in_admin(client):
    assert client.get("/admin/api/rewards").status_code == 401
