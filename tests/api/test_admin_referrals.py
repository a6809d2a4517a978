"""Admin API of the referral area: settings, the flagged queue with reasons, decisions, statistics, isolation."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.services import referrals
from tests.support import snapshots as s
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email

REFERRER = s.customer("7001", "juergen.weiss@example.de")
FRIEND = s.customer("7002", "anna@example.de", first_name="Anna")


def _flagged_referral(container: Container, shop: Shop, clock: FixedClock) -> int:
    deliver(container, shop, REFERRER)
    member = member_by_email(container, shop, REFERRER.email or "")
    with container.uow() as uow:
        code = referrals.code_for_member(uow.session, shop.id, member.id)
    deliver(container, shop, s.order("5003", at=clock.now(), buyer=REFERRER, discount_codes=(code or "",)))
    return member.id


def test_referral_settings_round_trip_and_validate(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop)
    current = client.get("/admin/api/referrals/settings", headers=headers).get_json()

    saved = client.put("/admin/api/referrals/settings", headers=headers, json={**current, "referrer_points": 750})
    invalid = client.put("/admin/api/referrals/settings", headers=headers, json={**current, "hold_days": -1})

    assert current["referrer_points"] == 500
    assert current["friend_coupon_value"] == "5.00"
    assert saved.status_code == 200
    assert client.get("/admin/api/referrals/settings", headers=headers).get_json()["referrer_points"] == 750
    assert invalid.status_code == 422
    assert "hold_days" in invalid.get_json()["errors"]


COUPON_FOR_THE_REFERRER = {"referrer_reward": "coupon", "referrer_coupon_kind": "percentage",
                           "referrer_coupon_value": "15.00", "referrer_coupon_minimum": "20.00",
                           "referrer_coupon_days": 60}


def test_the_referrer_can_be_rewarded_with_a_coupon_which_must_give_something(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)
    current = client.get("/admin/api/referrals/settings", headers=headers).get_json()

    saved = client.put("/admin/api/referrals/settings", headers=headers, json={**current, **COUPON_FOR_THE_REFERRER})
    worthless = client.put("/admin/api/referrals/settings", headers=headers,
                           json={**current, **COUPON_FOR_THE_REFERRER, "referrer_coupon_value": "0.00"})
    too_much = client.put("/admin/api/referrals/settings", headers=headers,
                          json={**current, **COUPON_FOR_THE_REFERRER, "referrer_coupon_value": "150.00",
                                "friend_coupon_kind": "percentage", "friend_coupon_value": "101.00"})

    assert current["referrer_reward"] == "points"
    assert saved.status_code == 200
    stored = client.get("/admin/api/referrals/settings", headers=headers).get_json()
    assert {key: stored[key] for key in COUPON_FOR_THE_REFERRER} == COUPON_FOR_THE_REFERRER
    assert (worthless.status_code, list(worthless.get_json()["errors"])) == (422, ["referrer_coupon_value"])
    assert (too_much.status_code, set(too_much.get_json()["errors"])) == (
        422, {"referrer_coupon_value", "friend_coupon_value"})


def test_an_older_client_that_sends_no_referrer_reward_keeps_points(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop)
    current = client.get("/admin/api/referrals/settings", headers=headers).get_json()
    old_body = {key: value for key, value in current.items() if not key.startswith("referrer_coupon")}
    old_body.pop("referrer_reward")

    assert client.put("/admin/api/referrals/settings", headers=headers, json=old_body).status_code == 200
    assert client.get("/admin/api/referrals/settings", headers=headers).get_json()["referrer_reward"] == "points"


def test_a_percentage_coupon_whose_value_is_left_out_takes_the_default_value(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)
    current = client.get("/admin/api/referrals/settings", headers=headers).get_json()
    body = {key: value for key, value in current.items() if key != "referrer_coupon_value"}

    saved = client.put("/admin/api/referrals/settings", headers=headers,
                       json={**body, "referrer_reward": "coupon", "referrer_coupon_kind": "percentage"})

    assert saved.status_code == 200
    assert (saved.get_json()["referrer_coupon_kind"], saved.get_json()["referrer_coupon_value"]) == (
        "percentage", "10.00")


def test_the_email_preview_shows_the_referrers_coupon_when_the_shop_gives_one(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)
    preview = {"kind": "referral_rewarded", "locale": "de", "settings": {}}
    points = client.post("/admin/api/emails/preview", headers=headers, json=preview).get_json()
    current = client.get("/admin/api/referrals/settings", headers=headers).get_json()
    client.put("/admin/api/referrals/settings", headers=headers, json={**current, **COUPON_FOR_THE_REFERRER})

    coupon = client.post("/admin/api/emails/preview", headers=headers, json=preview).get_json()

    assert points["subject"] == "Danke für deine Empfehlung: 150 Punkte für dich"
    assert "gutgeschrieben" in points["text"]
    assert "Dankeschön-Gutschein" in coupon["text"]
    assert "TREUE-5EUR-8K3M" in coupon["text"]


def test_earning_settings_round_trip(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop)
    values = {"signup_points": 100, "newsletter_points": 50, "birthday_points": 200}

    assert client.put("/admin/api/earning/settings", headers=headers, json=values).status_code == 200
    assert client.get("/admin/api/earning/settings", headers=headers).get_json() == values


def test_flagged_referrals_come_first_with_their_reasons_and_can_be_approved(
    client: FlaskClient, shopify_shop: Shop, container: Container, clock: FixedClock
) -> None:
    _flagged_referral(container, shopify_shop, clock)
    headers = admin_headers(shopify_shop)

    queue = client.get("/admin/api/referrals", headers=headers).get_json()
    decided = client.post(f"/admin/api/referrals/{queue[0]['id']}/approve", headers=headers)
    again = client.post(f"/admin/api/referrals/{queue[0]['id']}/reject", headers=headers)

    assert queue[0]["status"] == "flagged"
    assert "self_referral_customer" in queue[0]["flags"]
    assert decided.status_code == 200
    assert decided.get_json()["status"] == "ordered"
    assert decided.get_json()["decided_by"] == "shopify-user:42"
    assert (again.status_code, again.get_json()["reason"]) == (409, "referral_not_flagged")


def test_statistics_overall_and_per_member(
    client: FlaskClient, shopify_shop: Shop, container: Container, clock: FixedClock
) -> None:
    member_id = _flagged_referral(container, shopify_shop, clock)
    headers = admin_headers(shopify_shop)

    stats = client.get("/admin/api/referrals/stats", headers=headers).get_json()
    mine = client.get(f"/admin/api/members/{member_id}/referrals", headers=headers).get_json()

    assert stats["by_status"]["flagged"] == 1
    assert stats["total"] == 1
    assert mine["code"].startswith("JUERGEN-")
    assert mine["stats"]["total"] == 1
    assert len(mine["referrals"]) == 1


def test_another_shops_referrals_and_members_are_not_found(
    client: FlaskClient, shopify_shop: Shop, container: Container, clock: FixedClock
) -> None:
    from app.services.shops import NewShop, add_shop

    member_id = _flagged_referral(container, shopify_shop, clock)
    other = add_shop(container.uow(), container.box, NewShop("shopify", "other-shop.myshopify.com"), clock.now())
    headers = admin_headers(other)
    referral_id = referrals.reports.list_referrals(container.uow(), shopify_shop.id)[0]["id"]

    assert client.get("/admin/api/referrals", headers=headers).get_json() == []
    assert client.post(f"/admin/api/referrals/{referral_id}/approve", headers=headers).status_code == 404
    assert client.get(f"/admin/api/members/{member_id}/referrals", headers=headers).status_code == 404


def test_the_referral_admin_needs_a_signed_in_merchant(client: FlaskClient) -> None:
    assert client.get("/admin/api/referrals").status_code == 401
