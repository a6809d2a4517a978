"""The widget's per-process answers (PostgreSQL): served without the database, forgotten by every NOTIFY."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.clock import FixedClock
from app.container import Container
from app.db_notify import Listener
from app.db_reads import Reader
from app.models import Shop
from app.queries_storefront import _STATE
from app.services import earning_events, email_settings, referrals
from app.services.referrals.settings import ReferralConfig
from app.services.storefront_cache import ShopperViews
from tests.conftest import TEST_SHOPIFY_SECRET, TEST_WOO_SECRET
from tests.support.apps import own_app
from tests.support.coupons import add_coupon, set_coupon
from tests.support.deliveries import deliver, member_by_email
from tests.support.rewards import add_reward, bronze_silber_gold, save_program, set_program_settings
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url
from tests.support.waiting import WAIT_SECONDS, wait_until

BUYER = customer("7001", "juergen.weiss@example.de")
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
NOTIFYING = ("0002_storefront_notify.py", "0009_coupons_notify.py")  # the triggers on the ETag's inputs


class CountingReader(Reader):
    """The app's reader, counting the statements it sends (the widget's reads bypass the ORM's events)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements = 0

    def _fetch(self, sql: str, args: Any) -> list[tuple[Any, ...]]:
        self.statements += 1
        return super()._fetch(sql, args)


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, is_postgres: bool) -> Iterator[Flask]:
    if not is_postgres:
        pytest.skip("LISTEN/NOTIFY: the storefront cache is PostgreSQL only")
    with own_app({**settings_overrides, "storefront_cache": True}, clock) as application:
        c: Container = application.extensions["container"]
        c._reader = CountingReader(c.engine)
        yield application


@pytest.fixture
def views(container: Container) -> Any:
    views = container.shopper_views  # starts the LISTEN thread
    wait_until(lambda: views.enabled)
    return views


def read(
    client: FlaskClient, shop: Shop, clock: FixedClock, etag: str | None = None, ref: str | None = "7001", **extra: str
):  # type: ignore[no-untyped-def]
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(
        proxy_url("customer", shop.domain, TEST_SHOPIFY_SECRET, clock.now(), ref, **extra), headers=headers
    )


def cached_read(client: FlaskClient, shop: Shop, clock: FixedClock, views: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    """Read until the answer is in the cache. A first visit's own writes notify: once they have all arrived
    (`settle`), nothing can refuse or evict the next read's answer."""
    before = len(views)
    read(client, shop, clock, **kwargs)
    settle(client.application.extensions["container"], views)
    return wait_until(lambda: (response := read(client, shop, clock, **kwargs)) and len(views) > before and response)


NO_SHOP = 0  # a shop id no row has: its notification evicts nothing


def settle(container: Container, views: Any) -> None:
    """Wait until every notification committed so far has been applied: PostgreSQL delivers them in commit
    order, so once this one, committed last, has arrived, so have the others."""
    generation = views.token(NO_SHOP)
    execute(container, "SELECT pg_notify('loyalty_storefront', :payload)", payload=str(NO_SHOP))
    wait_until(lambda: views.token(NO_SHOP) != generation)


def statements(container: Container) -> int:
    return container.reader.statements  # type: ignore[no-any-return]


def execute(container: Container, sql: str, **params: object) -> None:
    with container.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_the_cache_is_off_unless_switched_on_and_never_on_sqlite(settings_overrides) -> None:
    off = create_app(settings_overrides)
    sqlite = create_app({**settings_overrides, "database_url": "sqlite://", "storefront_cache": True})

    assert off.extensions["container"].shopper_views is None
    assert sqlite.extensions["container"].shopper_views is None
    off.extensions["container"].dispose()
    sqlite.extensions["container"].dispose()


def test_an_unchanged_shopper_is_answered_without_a_statement(client, shopify_shop, container, clock, views) -> None:
    first = cached_read(client, shopify_shop, clock, views)
    before = statements(container)

    again = read(client, shopify_shop, clock)
    conditional = read(client, shopify_shop, clock, first.headers["ETag"])

    assert statements(container) == before
    assert (again.status_code, again.data, again.headers["ETag"]) == (200, first.data, first.headers["ETag"])
    assert again.mimetype == "application/json"
    assert (conditional.status_code, conditional.data) == (304, b"")


def test_a_cached_answer_equals_the_answer_built_from_the_database(
    client, shopify_shop, container, clock, views
) -> None:
    with_points(container, shopify_shop, clock)
    built = cached_read(client, shopify_shop, clock, views)

    views.disable()  # every read goes to the database again
    fresh = read(client, shopify_shop, clock)

    assert (fresh.data, fresh.headers["ETag"]) == (built.data, built.headers["ETag"])


def watched_tables(name: str) -> set[str]:
    spec = importlib.util.spec_from_file_location(f"migration_{name[:4]}", MIGRATIONS / name)
    assert spec is not None
    assert spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return set(migration.TABLES)


def test_every_input_of_the_etag_is_watched_by_a_trigger() -> None:
    watched = set().union(*(watched_tables(name) for name in NOTIFYING))

    inputs = set(re.findall(r"(?:FROM|JOIN) (\w+)", _STATE.sql))

    assert "coupons" in inputs
    assert inputs <= watched


def with_points(container: Container, shop: Shop, clock: FixedClock, ref: str = "5001") -> None:
    deliver(container, shop, order(ref, at=clock.now(), merchandise="700.00", shipping="0.00", buyer=BUYER))


def everything_stored(container: Container, shop: Shop, clock: FixedClock) -> None:
    """A row in every table the ETag reads: settings, tiers, a reward, the member with code, tier and points."""
    now = clock.now()
    set_program_settings(container, shop, expiry_months=24)
    earning_events.save_settings(container.uow(), shop.id, earning_events.EarningConfig(birthday_points=50), now)
    referrals.settings.save_settings(container.uow(), shop.id, ReferralConfig(), now)
    email_settings.update_config(container.uow(), shop.id, {"review_points": 20}, now)
    save_program(container, shop, bronze_silber_gold())
    add_reward(container, shop, points_cost=500)
    with_points(container, shop, clock)
    add_coupon(container, shop, member_by_email(container, shop, BUYER.email), 1)


TOUCH = "UPDATE {table} SET shop_id = shop_id WHERE shop_id = :shop"
COPY_NEWEST_ENTRY = (
    "INSERT INTO ledger_entries (shop_id, member_id, delta, kind, reason, source_type, source_ref, actor, "
    "balance_after, occurred_at) SELECT shop_id, member_id, 0, 'adjust', '', '', '', 'test', balance_after, "
    "occurred_at FROM ledger_entries WHERE shop_id = :shop ORDER BY id DESC LIMIT 1"
)
# Tables whose change concerns every shopper of the shop (the shop row itself besides).
SHOP_WIDE = (
    "program_settings",
    "earning_settings",
    "referral_settings",
    "email_settings",
    "tier_programs",
    "rewards",
    "tiers",
)
PER_MEMBER = ("members", "referral_codes", "member_tiers", "coupons")
CHANGES = {
    "shops": "UPDATE shops SET name = name WHERE id = :shop",
    **{table: TOUCH.format(table=table) for table in (*SHOP_WIDE, *PER_MEMBER)},
    "ledger_entries": COPY_NEWEST_ENTRY,
}


@pytest.mark.parametrize("table", sorted(CHANGES))
def test_a_change_of_any_etag_input_evicts_the_shopper(client, shopify_shop, container, clock, views, table) -> None:
    everything_stored(container, shopify_shop, clock)
    cached_read(client, shopify_shop, clock, views)
    guest = cached_read(client, shopify_shop, clock, views, ref=None)

    execute(container, CHANGES[table], shop=shopify_shop.id)

    # The shopper's answer goes; a guest's only with a shop-wide change (it has no member to be named by).
    assert wait_until(lambda: len(views) == (0 if table == "shops" or table in SHOP_WIDE else 1))
    assert guest.status_code == 200


def test_a_new_ledger_entry_is_shown_by_the_next_read(client, shopify_shop, container, clock, views) -> None:
    with_points(container, shopify_shop, clock)
    first = cached_read(client, shopify_shop, clock, views)

    with_points(container, shopify_shop, clock, ref="5002")
    again = wait_until(lambda: (r := read(client, shopify_shop, clock, first.headers["ETag"])).status_code == 200 and r)

    assert again.get_json()["member"]["balance"] > first.get_json()["member"]["balance"]


def test_a_code_the_worker_pushed_is_shown_by_the_next_read(client, shopify_shop, container, clock, views) -> None:
    with_points(container, shopify_shop, clock)
    coupon = add_coupon(container, shopify_shop, member_by_email(container, shopify_shop, BUYER.email), 1,
                        status="pending_push")
    first = cached_read(client, shopify_shop, clock, views)

    set_coupon(container, coupon.id, status="active", updated_at=clock.advance(seconds=30))  # another process

    again = wait_until(lambda: (r := read(client, shopify_shop, clock, first.headers["ETag"])).status_code == 200 and r)
    assert [c["code"] for c in first.get_json()["coupons"]] == [None]
    assert [c["code"] for c in again.get_json()["coupons"]] == ["TREUE-0001"]


def test_another_shops_change_keeps_the_answer(client, shopify_shop, woo_shop, container, clock, views) -> None:
    cached_read(client, shopify_shop, clock, views)
    generation = views.token(woo_shop.id)

    add_reward(container, woo_shop, points_cost=300)

    wait_until(lambda: views.token(woo_shop.id) != generation)  # the other shop's notification has arrived
    assert len(views) == 1


def test_an_uninstalled_shop_is_refused_by_the_next_read(client, shopify_shop, container, clock, views) -> None:
    first = cached_read(client, shopify_shop, clock, views)

    execute(container, "UPDATE shops SET status = 'uninstalled' WHERE id = :shop", shop=shopify_shop.id)

    again = wait_until(lambda: (r := read(client, shopify_shop, clock, first.headers["ETag"])).status_code != 304 and r)
    assert (again.status_code, again.get_json()["reason"]) == (401, "invalid_signature")


def test_a_rotated_woocommerce_secret_is_required_by_the_next_read(client, woo_shop, container, clock, views) -> None:
    def woo_read(secret: str) -> int:
        return client.get(proxy_url("customer", woo_shop.domain, secret, clock.now(), "12")).status_code

    wait_until(lambda: woo_read(TEST_WOO_SECRET) == 200 and len(views) == 1)
    rotated = container.box.encrypt("rotated-secret")
    execute(container, "UPDATE shops SET webhook_secret_enc = :s WHERE id = :shop", s=rotated, shop=woo_shop.id)

    assert wait_until(lambda: woo_read(TEST_WOO_SECRET) == 401)
    assert woo_read("rotated-secret") == 200


def test_an_answer_read_before_a_notification_is_not_installed_after_it(
    client, shopify_shop, container, clock, views
) -> None:
    with_points(container, shopify_shop, clock)
    cached_read(client, shopify_shop, clock, views)
    views.clear()
    reader: CountingReader = container.reader

    def change_after_the_read(sql: str, args: Any) -> list[tuple[Any, ...]]:
        rows = Reader._fetch(reader, sql, args)
        if sql.lstrip().startswith(_STATE_SQL_START) and not changed:
            changed.append(True)
            generation = views.token(shopify_shop.id)
            with_points(container, shopify_shop, clock, ref="5002")  # another process's write, committed
            wait_until(lambda: views.token(shopify_shop.id) != generation)  # its notification arrived
        return rows

    changed: list[bool] = []
    reader._fetch = change_after_the_read  # type: ignore[method-assign]
    stale = read(client, shopify_shop, clock)
    del reader._fetch

    assert changed
    assert len(views) == 0
    assert read(client, shopify_shop, clock, stale.headers["ETag"]).status_code == 200


_STATE_SQL_START = _STATE.sql[:40]


def test_a_lost_listen_connection_is_reported_and_listened_to_again(container) -> None:
    events: list[str] = []
    listener = Listener(
        container.engine,
        "loyalty_storefront",
        events.append,
        lambda: events.append("ready"),
        lambda: events.append("lost"),
    )
    listener.ensure_started()
    wait_until(lambda: events == ["ready"])

    execute(container, "SELECT pg_terminate_backend(:pid)", pid=listener.connection.info.backend_pid)

    wait_until(lambda: events == ["ready", "lost", "ready"])
    execute(container, "SELECT pg_notify('loyalty_storefront', '7:9')")
    wait_until(lambda: events == ["ready", "lost", "ready", "7:9"])
    listener.stop()


def test_the_cache_is_empty_after_its_listen_connection_was_lost(client, shopify_shop, container, clock, views) -> None:
    cached_read(client, shopify_shop, clock, views)
    listener = container.ports["storefront_views"][1]
    lost = listener.connection.info.backend_pid

    execute(container, "SELECT pg_terminate_backend(:pid)", pid=lost)

    wait_until(lambda: views.enabled and listener.connection and listener.connection.info.backend_pid != lost)
    assert len(views) == 0
    cached_read(client, shopify_shop, clock, views)


def test_a_disabled_cache_neither_answers_nor_fills(client, shopify_shop, container, clock, views) -> None:
    cached_read(client, shopify_shop, clock, views)
    views.disable()
    before = statements(container)

    read(client, shopify_shop, clock)

    assert (len(views), statements(container) > before) == (0, True)


def test_a_guest_is_answered_from_memory_and_forgets_a_shop_change(
    client, shopify_shop, container, clock, views
) -> None:
    first = cached_read(client, shopify_shop, clock, views, ref=None)
    before = statements(container)
    assert read(client, shopify_shop, clock, first.headers["ETag"], ref=None).status_code == 304
    assert statements(container) == before

    add_reward(container, shopify_shop, points_cost=500)

    again = wait_until(
        lambda: (r := read(client, shopify_shop, clock, first.headers["ETag"], ref=None)).status_code == 200 and r
    )
    assert [reward["points_cost"] for reward in again.get_json()["rewards"]] == [500]


def test_each_locale_is_its_own_answer(client, shopify_shop, container, clock, views) -> None:
    with_points(container, shopify_shop, clock)
    german = cached_read(client, shopify_shop, clock, views)
    english = cached_read(client, shopify_shop, clock, views, locale="en")
    before = statements(container)

    again = (read(client, shopify_shop, clock).data, read(client, shopify_shop, clock, locale="en").data)

    assert statements(container) == before
    assert again == (german.data, english.data)
    assert german.data != english.data
    assert english.get_json()["history"][0]["label"] == "Order #5001"


def test_the_shoppers_own_action_is_seen_at_once_by_the_same_process(
    client, shopify_shop, container, clock, views
) -> None:
    first = cached_read(client, shopify_shop, clock, views)
    # Notifications are ignored: only the action's own eviction can make the next read fresh.
    views.evict_member = views.evict_shop = lambda *_args: None

    client.post(
        proxy_url("birthday", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001"),
        json={"birthday": "1990-05-17"},
    )
    again = read(client, shopify_shop, clock, first.headers["ETag"])

    assert (again.status_code, again.get_json()["member"]["birthday"]) == (200, "1990-05-17")


def test_a_notification_arrives_on_its_own_connection(container, shopify_shop) -> None:
    url = container.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as listening:
        listening.execute("LISTEN loyalty_storefront")
        execute(container, "UPDATE shops SET name = name WHERE id = :shop", shop=shopify_shop.id)
        payloads = [n.payload for n in listening.notifies(timeout=WAIT_SECONDS, stop_after=1)]

    assert payloads == [str(shopify_shop.id)]


def test_the_cache_keeps_at_most_its_bound_forgetting_the_least_recently_used() -> None:
    views = ShopperViews(max_items=2)
    views.enable()
    keys = [(1, ref, None, "https://shop.example/apps/loyalty", "2026-03-02") for ref in ("a", "b", "c")]
    views.put(keys[0], views.token(1), '"a"', b"{}", 1, ())
    views.put(keys[1], views.token(1), '"b"', b"{}", 2, ())
    views.get(keys[0], ())

    views.put(keys[2], views.token(1), '"c"', b"{}", 3, ())

    assert [views.get(key, ()) is not None for key in keys] == [True, False, True]


def test_an_answer_older_than_the_ttl_is_not_used() -> None:
    views = ShopperViews(ttl=-1.0)  # already expired when installed
    views.enable()
    key = (1, "a", None, "https://shop.example/apps/loyalty", "2026-03-02")
    views.put(key, views.token(1), '"a"', b"{}", 1, ())

    assert (views.get(key, ()), len(views)) == (None, 0)


def test_a_payload_it_cannot_read_forgets_everything() -> None:
    views = ShopperViews()
    views.enable()
    key = (1, "a", None, "https://shop.example/apps/loyalty", "2026-03-02")
    views.put(key, views.token(1), '"a"', b"{}", 1, ())

    views.apply("not-a-shop")

    assert len(views) == 0
