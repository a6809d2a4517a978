"""WooCommerce refunds itemised by the worker against the fake shop: pro rata first, then the exact reversal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.clock import FixedClock
from app.container import Container
from app.jobs.registry import job_specs
from app.models import LedgerEntry, Order, OrderRefund, Shop
from app.platforms.woocommerce.admin import WooCommerceAdminClient
from app.services.refund_items import ItemisingOutcome, itemise_refunds
from tests.fakes.woocommerce_server import FakeWooCommerce, woocommerce_order, woocommerce_refund
from tests.support.apps import own_app
from tests.support.deliveries import ledger_ok
from tests.support.rewards import shop_for
from tests.support.webhooks import woocommerce_headers

WOO_SECRET = "woo-webhook-secret"
PAID_AT = "2026-03-02T09:00:00"
SHIPPING_ONLY = woocommerce_refund(77, "4.95", shipping=("4.16", "0.79"))
MUG = {"id": 951, "name": "Mug", "product_id": 2, "variation_id": 0, "quantity": 1, "subtotal": "20.00",
       "subtotal_tax": "3.80", "total": "20.00", "total_tax": "3.80", "sku": "MUG-1", "price": 20.0}


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, fake_woocommerce: FakeWooCommerce,
        sleeps: list[float]) -> Iterator[Flask]:
    """The app with the real WooCommerce client against the fake shop, one refund per page, sleeps recorded."""
    clients: dict[str, Any] = {"woocommerce": WooCommerceAdminClient(page_size=1, sleep=sleeps.append)}
    with own_app(settings_overrides, clock, platform_clients=clients) as application:
        yield application


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def woo(container: Container, fake_woocommerce: FakeWooCommerce) -> Shop:
    return shop_for(container, "woocommerce", fake_woocommerce, webhook_secret=WOO_SECRET)


def post_order(client: FlaskClient, shop: Shop, order: dict[str, Any]) -> None:
    body = json.dumps(order).encode()
    response = client.post("/webhooks/woocommerce", data=body,
                           headers=woocommerce_headers(body, "order.updated", shop.domain, WOO_SECRET))
    assert response.status_code == 200, response.get_data(as_text=True)


def refunded(order_id: int, *refunds: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The order webhook after the refunds: WooCommerce lists them only as {id, reason, total}."""
    listed = [{"id": r["id"], "reason": "", "total": f"-{r['amount']}"} for r in refunds]
    return woocommerce_order(order_id, PAID_AT, refunds=listed, date_modified_gmt="2026-03-02T10:00:00",
                             **overrides)


def points(container: Container, shop: Shop, order_ref: str) -> tuple[int, int]:
    """(points the order holds, sum of its ledger entries): the two must agree."""
    with container.uow() as uow:
        order = uow.session.scalars(select(Order).where(Order.shop_id == shop.id, Order.order_ref == order_ref)).one()
        held = uow.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
            LedgerEntry.shop_id == shop.id, LedgerEntry.source_type == "order", LedgerEntry.order_id == order.id))
        return order.points_earned, int(held or 0)


def itemised_flags(container: Container, shop: Shop) -> dict[str, bool]:
    with container.uow() as uow:
        rows = uow.session.execute(select(OrderRefund.refund_ref, OrderRefund.itemised)
                                   .where(OrderRefund.shop_id == shop.id))
        return {refund_ref: flag for refund_ref, flag in rows}


def run_job(container: Container) -> ItemisingOutcome:
    return itemise_refunds(container.uow, container.platform_client, container.box, container.clock)


def test_shipping_only_refund_is_first_pro_rata_then_itemised_and_its_points_come_back(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    # 4.95 of 59.90 spread pro rata: 46.18 € × (1 − 4.95/59.90) = 42.36 € → 42 points
    assert points(container, woo, "41") == (42, 42)
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]

    outcome = run_job(container)

    assert points(container, woo, "41") == (46, 46)  # shipping is not merchandise: all 46 points are back
    assert (outcome.orders, outcome.refunds, outcome.points) == (1, 1, 4)
    assert itemised_flags(container, woo) == {"77": True}
    ledger_ok(container)


def test_a_line_refund_ends_at_exactly_the_points_of_the_kept_goods(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    tea = woocommerce_order(42, PAID_AT)["line_items"][0]
    two_lines = {"line_items": [tea, MUG], "total": "83.70", "total_tax": "13.36", "cart_tax": "12.57"}
    mug_back = woocommerce_refund(88, "23.80", lines=((951, 1, "20.00", "3.80"),))
    post_order(client, woo, woocommerce_order(42, PAID_AT, **two_lines))
    post_order(client, woo, refunded(42, mug_back, **two_lines))
    assert points(container, woo, "42") == (47, 47)  # pro rata: 66.18 € × (1 − 23.80/83.70) = 47.36 €
    fake_woocommerce.refunds[42] = [mug_back]

    run_job(container)

    assert points(container, woo, "42") == (46, 46)  # the tea, 46.18 €, is what was kept
    ledger_ok(container)


def test_a_rate_limited_shop_keeps_its_refunds_for_the_next_run(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop, sleeps: list[float]
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]
    fake_woocommerce.throttle(retry_after=30)

    deferred = run_job(container)

    assert (deferred.deferred, deferred.refunds, sleeps) == (1, 0, [])  # too long to wait inside the job
    assert itemised_flags(container, woo) == {"77": False}
    assert points(container, woo, "41") == (42, 42)
    container.clock.advance(minutes=3)  # type: ignore[attr-defined]
    assert run_job(container).refunds == 1
    assert points(container, woo, "41") == (46, 46)
    ledger_ok(container)


def test_a_short_retry_after_is_waited_out_within_the_run(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop, sleeps: list[float]
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]
    fake_woocommerce.throttle(retry_after=0.5)

    assert run_job(container).refunds == 1
    assert sleeps == [0.5]


def test_a_second_run_changes_nothing_and_asks_the_shop_nothing(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]
    run_job(container)
    entries = ledger_ok(container)
    asked = len(fake_woocommerce.requests_to("/refunds"))

    again = run_job(container)
    post_order(client, woo, refunded(41, SHIPPING_ONLY))  # the same webhook once more keeps the lines

    assert (again.shops, again.refunds, again.points) == (0, 0, 0)
    assert len(fake_woocommerce.requests_to("/refunds")) == asked
    assert points(container, woo, "41") == (46, 46)
    assert ledger_ok(container) == entries


def test_refunds_are_read_page_by_page_and_each_is_itemised(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    first = woocommerce_refund(77, "2.00", shipping=("2.00", "0.00"))
    second = woocommerce_refund(78, "2.95", shipping=("2.16", "0.79"))
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, first, second))
    fake_woocommerce.refunds[41] = [second, first]

    run_job(container)

    assert len(fake_woocommerce.requests_to("/orders/41/refunds")) == 2  # one refund per page
    assert itemised_flags(container, woo) == {"77": True, "78": True}
    assert points(container, woo, "41") == (46, 46)


def test_a_refund_the_shop_no_longer_lists_or_a_gone_order_is_marked_itemised_unchanged(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    post_order(client, woo, woocommerce_order(43, PAID_AT))
    post_order(client, woo, refunded(43, woocommerce_refund(90, "4.95")))
    fake_woocommerce.refunds[41] = []  # deleted in the shop; order 43 answers 404

    run_job(container)

    assert itemised_flags(container, woo) == {"77": True, "90": True}
    assert (points(container, woo, "41"), points(container, woo, "43")) == ((42, 42), (42, 42))
    ledger_ok(container)


def test_a_shop_whose_api_keys_are_gone_is_skipped(client: FlaskClient, container: Container, woo: Shop) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    with container.uow() as uow:  # as after a revoked key exchange
        uow.session.execute(update(Shop).where(Shop.id == woo.id).values(consumer_key_enc=None))
        uow.commit()

    outcome = run_job(container)

    assert (outcome.shops, outcome.refunds, outcome.deferred) == (1, 0, 0)
    assert itemised_flags(container, woo) == {"77": False}


def test_the_worker_job_is_registered_and_reports_what_it_did(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]
    spec = next(s for s in job_specs() if s.id == "itemise_refunds")

    summary = spec.run(container)

    assert spec.seconds <= 600
    assert summary == "1 shops, 1 orders, 1 refunds itemised, +4 points, 0 shops deferred"


def test_the_client_returns_neutral_itemised_refunds_of_the_order(fake_woocommerce: FakeWooCommerce) -> None:
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]

    (refund,) = WooCommerceAdminClient().refunds(fake_woocommerce.credentials, "41")

    assert fake_woocommerce.requests_to("/refunds")[-1].path == "/wp-json/wc/v3/orders/41/refunds"
    assert (refund.order_ref, refund.refund_ref, refund.itemised) == ("41", "77", True)
    assert (refund.shipping, refund.shipping_tax, refund.total) == (Decimal("4.16"), Decimal("0.79"), Decimal("4.95"))
    assert refund.created_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_two_workers_at_once_give_the_points_back_once(
    client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce, woo: Shop
) -> None:
    post_order(client, woo, woocommerce_order(41, PAID_AT))
    post_order(client, woo, refunded(41, SHIPPING_ONLY))
    fake_woocommerce.refunds[41] = [SHIPPING_ONLY]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda _: run_job(container), range(2)))

    assert sum(o.refunds for o in outcomes) == 1  # the second to take the order lock finds nothing left
    assert points(container, woo, "41") == (46, 46)
    ledger_ok(container)
