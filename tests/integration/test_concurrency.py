"""Concurrency on PostgreSQL with real threads: one delivery credits once; many orders of one member add up."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.snapshots import customer, order

pytestmark = pytest.mark.postgres

BUYER = customer(ref="8001", email="anna.schroeder@example.de")


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("row locks and concurrent commits are proven on PostgreSQL")


def test_twenty_concurrent_deliveries_of_one_webhook_credit_once(container, shopify_shop):
    paid = order(ref="6001", at=START, merchandise="120.00", buyer=BUYER)

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(
            pool.map(lambda _: deliver(container, shopify_shop, paid, "same-delivery").outcome, range(20))
        )

    assert outcomes.count("processed") == 1
    assert outcomes.count("duplicate") == 19
    assert member_by_email(container, shopify_shop, BUYER.email).balance == 120
    ledger_ok(container)


def test_twenty_concurrent_topics_of_one_order_credit_once(container, shopify_shop):
    snapshots = [
        order(ref="6002", at=START, merchandise="80.00", buyer=BUYER, version=timedelta(seconds=i))
        for i in range(20)
    ]

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda snap: deliver(container, shopify_shop, snap), snapshots))

    assert member_by_email(container, shopify_shop, BUYER.email).balance == 80
    ledger_ok(container)


def test_two_hundred_concurrent_orders_of_one_member_add_up_to_their_sum(container, shopify_shop):
    orders = [order(ref=f"7{i:03d}", at=START, merchandise=f"{10 + i}.00", buyer=BUYER) for i in range(200)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda snap: deliver(container, shopify_shop, snap).outcome, orders))

    assert set(outcomes) == {"processed"}
    assert member_by_email(container, shopify_shop, BUYER.email).balance == sum(10 + i for i in range(200))
    ledger_ok(container)


def test_concurrent_refund_and_cancellation_leave_the_order_at_zero(container, shopify_shop):
    from tests.support.snapshots import refund

    deliver(container, shopify_shop, order(ref="6003", at=START, merchandise="100.00", buyer=BUYER))
    events = [refund("6003", f"r{i}", lines="10.00") for i in range(5)]
    events.append(order(ref="6003", at=START, cancelled=True, version=timedelta(hours=1), buyer=BUYER))

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda event: deliver(container, shopify_shop, event), events))

    assert member_by_email(container, shopify_shop, BUYER.email).balance == 0
    ledger_ok(container)
