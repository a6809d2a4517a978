"""The widget read is cached per process (shops, shop-wide parts) yet never stale: every write is seen next request."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import update

from app.clock import FixedClock
from app.container import Container
from app.models import MemberTier, Shop
from app.services import earning_events
from tests.conftest import TEST_SHOPIFY_SECRET, TEST_WOO_SECRET
from tests.support.deliveries import deliver
from tests.support.rewards import add_reward, bronze_silber_gold, save_program, set_program_settings
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url

BUYER = customer("7001", "juergen.weiss@example.de")


def read(client: FlaskClient, shop: Shop, clock: FixedClock, etag: str | None = None, **extra: str):  # type: ignore[no-untyped-def]
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(
        proxy_url("customer", shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001", **extra), headers=headers
    )


def with_points(container: Container, shop: Shop, clock: FixedClock, amount: str = "700.00", ref: str = "5001") -> None:
    deliver(container, shop, order(ref, at=clock.now(), merchandise=amount, shipping="0.00", buyer=BUYER))


def change_shop(container: Container, shop: Shop, **values: object) -> None:
    with container.uow() as uow:
        uow.session.execute(update(Shop).where(Shop.id == shop.id).values(**values))
        uow.commit()


def test_an_uninstalled_shop_is_refused_by_the_next_widget_read(client, shopify_shop, container, clock) -> None:
    first = read(client, shopify_shop, clock)
    change_shop(container, shopify_shop, status="uninstalled")

    again = read(client, shopify_shop, clock, first.headers["ETag"])

    assert first.status_code == 200
    assert (again.status_code, again.get_json()["reason"]) == (401, "invalid_signature")


def test_a_rotated_woocommerce_secret_is_required_by_the_next_widget_read(client, woo_shop, container, clock) -> None:
    def woo_read(secret: str) -> int:
        return client.get(proxy_url("customer", woo_shop.domain, secret, clock.now(), "12")).status_code

    before = woo_read(TEST_WOO_SECRET)
    change_shop(container, woo_shop, webhook_secret_enc=container.box.encrypt("rotated-secret"))

    assert (before, woo_read(TEST_WOO_SECRET), woo_read("rotated-secret")) == (200, 401, 200)


def test_a_renamed_shop_changes_the_etag_and_shows_the_new_name(client, shopify_shop, container, clock) -> None:
    first = read(client, shopify_shop, clock)
    change_shop(container, shopify_shop, name="Kaffee & Kuchen")

    again = read(client, shopify_shop, clock, first.headers["ETag"])

    assert again.status_code == 200
    assert again.get_json()["shop"]["name"] == "Kaffee & Kuchen"


def test_a_settings_save_is_shown_by_the_next_read(client, shopify_shop, container, clock) -> None:
    first = read(client, shopify_shop, clock)
    clock.advance(seconds=1)
    earning_events.save_settings(
        container.uow(), shopify_shop.id, earning_events.EarningConfig(birthday_points=200), clock.now()
    )

    again = read(client, shopify_shop, clock, first.headers["ETag"])

    assert again.status_code == 200
    assert {"key": "birthday", "label": "Geburtstag", "points": 200} in again.get_json()["program"]["ways_to_earn"]


def test_a_new_reward_is_shown_with_whether_this_shopper_can_afford_it(client, shopify_shop, container, clock) -> None:
    with_points(container, shopify_shop, clock)
    first = read(client, shopify_shop, clock)
    add_reward(container, shopify_shop, points_cost=500)
    add_reward(container, shopify_shop, points_cost=900, value="10.00")

    again = read(client, shopify_shop, clock, first.headers["ETag"])

    assert first.get_json()["rewards"] == []
    assert [(r["points_cost"], r["affordable"]) for r in again.get_json()["rewards"]] == [(500, True), (900, False)]


def test_a_member_in_a_tier_programme_sees_their_tier_and_progress(client, shopify_shop, container, clock) -> None:
    save_program(container, shopify_shop, bronze_silber_gold())
    with_points(container, shopify_shop, clock, amount="150.00")

    tier = read(client, shopify_shop, clock).get_json()["tier"]

    assert (tier["current"]["key"], tier["next"]["key"]) == ("silber", "gold")
    assert tier["remaining"] == "350.00"
    assert tier["label"].startswith("noch 350,00")
    assert tier["label"].endswith("bis Gold")


def test_a_tier_change_without_a_balance_change_gives_a_new_etag(client, shopify_shop, container, clock) -> None:
    save_program(container, shopify_shop, bronze_silber_gold())
    with_points(container, shopify_shop, clock, amount="150.00")
    first = read(client, shopify_shop, clock)
    with container.uow() as uow:
        uow.session.execute(update(MemberTier).where(MemberTier.shop_id == shopify_shop.id).values(tier_key="bronze"))
        uow.commit()

    again = read(client, shopify_shop, clock, first.headers["ETag"])

    assert again.status_code == 200
    assert again.get_json()["tier"]["current"]["key"] == "bronze"


def test_points_expiring_within_30_days_are_listed_with_their_date(client, shopify_shop, container, clock) -> None:
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=1)
    with_points(container, shopify_shop, clock, amount="40.00")
    clock.advance(days=5)

    body = read(client, shopify_shop, clock).get_json()

    assert body["expiring"] == [{"points": 40, "expires_at": "2026-04-02T09:00:00Z"}]
    assert [entry["delta"] for entry in body["history"]] == [40]


def test_the_history_lists_the_newest_entries_first(client, shopify_shop, container, clock) -> None:
    with_points(container, shopify_shop, clock, amount="10.00", ref="5001")
    clock.advance(seconds=60)
    with_points(container, shopify_shop, clock, amount="20.00", ref="5002")

    body = read(client, shopify_shop, clock, locale="en").get_json()

    assert [(e["delta"], e["label"]) for e in body["history"]] == [(20, "Order #5002"), (10, "Order #5001")]
    assert body["expiring"] == []
    assert body["member"]["newsletter"] is False
