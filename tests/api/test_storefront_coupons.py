"""The widget's "My rewards": the shopper's own usable codes (and those still being made), also after a reload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.models import Shop
from app.services.coupons import retry_coupon_pushes
from tests.conftest import TEST_SHOPIFY_SECRET, TEST_WOO_SECRET
from tests.support.apps import own_app
from tests.support.coupons import add_coupon, set_coupon
from tests.support.deliveries import deliver
from tests.support.rewards import RecordingPlatform, add_reward, buyer, member_with_points
from tests.support.snapshots import order
from tests.support.storefront import proxy_url

SHOPPER = "7001"  # member_with_points(n=1)'s customer id


@pytest.fixture
def platform() -> RecordingPlatform:
    return RecordingPlatform()


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, platform: RecordingPlatform) -> Iterator[Flask]:
    clients = {"shopify": platform, "woocommerce": platform}
    with own_app(settings_overrides, clock, platform_clients=clients) as application:
        yield application


def read(client: FlaskClient, shop: Shop, clock: FixedClock, etag: str | None = None, ref: str = SHOPPER,
         **extra: str) -> Any:
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(proxy_url("customer", shop.domain, TEST_SHOPIFY_SECRET, clock.now(), ref, **extra),
                      headers=headers)


def redeem(client: FlaskClient, shop: Shop, clock: FixedClock, reward_id: int) -> dict[str, Any]:
    response = client.post(proxy_url("redeem", shop.domain, TEST_SHOPIFY_SECRET, clock.now(), SHOPPER),
                           json={"reward_id": reward_id})
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def codes(response: Any) -> list[str | None]:
    return [coupon["code"] for coupon in response.get_json()["coupons"]]


def test_a_redeemed_code_is_listed_with_its_worth_after_a_reload(client, shopify_shop, container, clock) -> None:
    member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, points_cost=500, minimum_order="20.00")
    redeemed = redeem(client, shopify_shop, clock, reward.id)

    german = read(client, shopify_shop, clock).get_json()["coupons"]
    english = read(client, shopify_shop, clock, locale="en").get_json()["coupons"]

    ends_at = (clock.now() + timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert german == [{  # a reward the merchant did not name is called by what it gives, as in the catalogue
        "id": german[0]["id"], "code": redeemed["code"], "status": "active", "label": "5,00\u00a0€ Rabatt",
        "value_label": "5,00\u00a0€ Rabatt", "ends_at": ends_at, "minimum_order": "20.00",
    }]
    assert (english[0]["label"], english[0]["value_label"]) == ("€5.00 off", "€5.00 off")


def test_the_history_names_the_reward_a_redemption_spent_its_points_on(client, shopify_shop, container, clock) -> None:
    member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, points_cost=500)
    redeem(client, shopify_shop, clock, reward.id)

    history = read(client, shopify_shop, clock).get_json()["history"]

    assert (history[0]["label"], history[0]["delta"]) == ("Prämie eingelöst: 5,00\u00a0€ Rabatt", -500)
    assert not history[1]["label"].startswith("Prämie")  # the points it was paid with stay as they were


def test_a_reward_named_by_the_merchant_labels_its_code_in_the_shoppers_language(
    client, shopify_shop, container, clock
) -> None:
    member = member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop)
    with container.uow() as uow:
        stored = uow.session.get(type(reward), reward.id)
        stored.name_de, stored.name_en = "Frühstücksgutschein", ""  # no English name: the German one stands in
        uow.commit()
    add_coupon(container, shopify_shop, member, 1, source="redemption", reward_id=reward.id)

    german = read(client, shopify_shop, clock).get_json()["coupons"][0]["label"]
    english = read(client, shopify_shop, clock, locale="en").get_json()["coupons"][0]["label"]

    assert (german, english) == ("Frühstücksgutschein", "Frühstücksgutschein")


def test_a_named_free_shipping_code_is_not_described_again_by_what_it_gives(
    client, shopify_shop, container, clock
) -> None:
    member = member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, kind="free_shipping", value="0", minimum_order=None)
    with container.uow() as uow:
        stored = uow.session.get(type(reward), reward.id)
        stored.name_de, stored.name_en = "Gratisversand", "Free delivery"
        uow.commit()
    add_coupon(container, shopify_shop, member, 1, source="redemption", reward_id=reward.id, kind="free_shipping",
               value=Decimal("0"))

    german = read(client, shopify_shop, clock).get_json()["coupons"][0]
    english = read(client, shopify_shop, clock, locale="en").get_json()["coupons"][0]

    assert (german["label"], german["value_label"]) == ("Gratisversand", None)  # not "· Kostenloser Versand"
    assert (english["label"], english["value_label"]) == ("Free delivery", None)


def test_a_code_the_shop_has_not_created_yet_is_listed_as_coming_without_the_code(
    client, shopify_shop, container, clock, platform
) -> None:
    member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, points_cost=500)
    platform.unavailable = 5

    answer = redeem(client, shopify_shop, clock, reward.id)
    listed = read(client, shopify_shop, clock).get_json()["coupons"]

    assert answer["status"] == "pending_push"
    assert [(c["status"], c["code"], c["value_label"]) for c in listed] == [
        ("pending_push", None, "5,00\u00a0€ Rabatt")]


def test_the_etag_changes_when_the_worker_finally_pushes_the_code(
    client, shopify_shop, container, clock, platform
) -> None:
    member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, points_cost=500)
    platform.unavailable = 1
    answer = redeem(client, shopify_shop, clock, reward.id)
    before = read(client, shopify_shop, clock)

    clock.advance(minutes=5)
    retry_coupon_pushes(container.uow, lambda _platform: platform, container.box, clock.now())
    after = read(client, shopify_shop, clock, before.headers["ETag"])

    assert codes(before) == [None]
    assert after.status_code == 200
    assert codes(after) == [answer["code"]]


def test_a_code_used_by_an_order_leaves_the_list_and_changes_the_etag(client, shopify_shop, container, clock) -> None:
    member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, points_cost=500)
    code = redeem(client, shopify_shop, clock, reward.id)["code"]
    before = read(client, shopify_shop, clock)

    clock.advance(minutes=5)
    paid = order("6001", at=clock.now(), merchandise="30.00", buyer=buyer(1), discount_codes=(code,))
    deliver(container, shopify_shop, paid)
    after = read(client, shopify_shop, clock, before.headers["ETag"])

    assert codes(before) == [code]
    assert (after.status_code, codes(after)) == (200, [])


def test_a_code_taken_back_without_a_ledger_entry_changes_the_etag(client, shopify_shop, container, clock) -> None:
    member = member_with_points(container, shopify_shop, 700)
    coupon = add_coupon(container, shopify_shop, member, 1)
    before = read(client, shopify_shop, clock)

    clock.advance(seconds=1)
    set_coupon(container, coupon.id, status="deactivated", updated_at=clock.now())
    after = read(client, shopify_shop, clock, before.headers["ETag"])

    assert codes(before) == ["TREUE-0001"]
    assert (after.status_code, codes(after)) == (200, [])


def test_a_code_that_runs_out_changes_the_etag_before_the_expiry_job_marks_it(client, shopify_shop, container, clock):  # type: ignore[no-untyped-def]
    member = member_with_points(container, shopify_shop, 700)
    add_coupon(container, shopify_shop, member, 1, ends_at=clock.now() + timedelta(hours=2))
    add_coupon(container, shopify_shop, member, 2, ends_at=clock.now() + timedelta(days=20))
    before = read(client, shopify_shop, clock)

    clock.advance(hours=1)
    unchanged = read(client, shopify_shop, clock, before.headers["ETag"])
    clock.advance(hours=2)  # the first code ran out: nothing was written
    after = read(client, shopify_shop, clock, before.headers["ETag"])

    assert unchanged.status_code == 304
    assert after.status_code == 200
    assert codes(after) == ["TREUE-0002"]


def test_used_expired_deactivated_and_failed_codes_are_not_listed(client, shopify_shop, container, clock) -> None:
    member = member_with_points(container, shopify_shop, 700)
    for n, status in enumerate(("used", "expired", "deactivated", "failed"), start=1):
        add_coupon(container, shopify_shop, member, n, status=status)
    add_coupon(container, shopify_shop, member, 5, ends_at=clock.now() - timedelta(minutes=1))  # not marked yet
    add_coupon(container, shopify_shop, member, 6, ends_at=None)  # valid without an end

    assert codes(read(client, shopify_shop, clock)) == ["TREUE-0006"]


def test_another_members_and_another_shops_codes_are_never_listed(
    client, shopify_shop, woo_shop, container, clock
) -> None:
    member_with_points(container, shopify_shop, 700)
    other = member_with_points(container, shopify_shop, 300, n=2)
    namesake = member_with_points(container, woo_shop, 300)  # the same customer id at another shop
    add_coupon(container, shopify_shop, other, 1)
    add_coupon(container, shopify_shop, None, 2)  # a guest's thank-you code
    add_coupon(container, woo_shop, namesake, 3)
    woo = client.get(proxy_url("customer", woo_shop.domain, TEST_WOO_SECRET, clock.now(), SHOPPER))

    assert codes(read(client, shopify_shop, clock)) == []
    assert codes(woo) == ["TREUE-0003"]


def test_codes_of_every_source_are_listed_the_soonest_to_end_first(client, shopify_shop, container, clock) -> None:
    member = member_with_points(container, shopify_shop, 700)
    sources = ("redemption", "next_purchase", "tier_entry", "referral", "campaign")
    for n in range(1, 13):
        add_coupon(container, shopify_shop, member, n, source=sources[n % 5], title="Sommer <b>Sale</b>",
                   ends_at=clock.now() + timedelta(days=40 - n))
    add_coupon(container, shopify_shop, member, 13, ends_at=None)  # valid without an end: last

    listed = read(client, shopify_shop, clock, locale="en").get_json()["coupons"]

    assert [c["code"] for c in listed] == [f"TREUE-{n:04d}" for n in range(12, 0, -1)] + ["TREUE-0013"]
    assert [c["label"] for c in listed[:5]] == [
        "Your new tier's welcome gift", "Thank-you coupon", "10% off", "Sommer <b>Sale</b>", "Referral coupon",
    ]


def test_a_shopper_with_many_codes_sees_every_one_up_to_fifty(client, shopify_shop, container, clock) -> None:
    member = member_with_points(container, shopify_shop, 700)
    for n in range(1, 53):
        add_coupon(container, shopify_shop, member, n)

    assert len(read(client, shopify_shop, clock).get_json()["coupons"]) == 50


def test_a_guest_has_no_codes(client, shopify_shop, container, clock) -> None:
    assert read(client, shopify_shop, clock, ref="").get_json()["coupons"] == []
