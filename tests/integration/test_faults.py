"""Faults: the database connection dying mid-webhook, and two web instances plus two workers on one database."""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from app.container import Container
from app.db import SQLITE_BUSY_SECONDS
from app.models import LedgerEntry, Member, Order, OutboxMessage, Shop
from app.services.shops import NewShop, add_shop
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.fakes.shopify_server import FakeShopify, shopify_order
from tests.support.db_faults import connection_dies_at_first, killer
from tests.support.deliveries import ledger_ok, member_by_email
from tests.support.net import wait_until_up
from tests.support.webhooks import load_payload, shopify_headers

LOYALTY = str(Path(sys.executable).with_name("loyalty"))


def post_paid(client, shop: Shop, payload: dict[str, Any], webhook_id: str):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    headers = shopify_headers(body, "orders/paid", shop.domain, TEST_SHOPIFY_SECRET, webhook_id=webhook_id)
    return client.post("/webhooks/shopify", data=body, headers=headers)


def test_connection_lost_mid_webhook_answers_5xx_and_the_retry_credits_exactly_once(
    client, container, shopify_shop, is_postgres
):
    payload = load_payload("shopify", "orders_paid")

    with connection_dies_at_first(container.engine, "ledger_entries", killer(container, is_postgres)) as fired:
        first = post_paid(client, shopify_shop, payload, webhook_id="delivery-1")
    retry = post_paid(client, shopify_shop, payload, webhook_id="delivery-1")
    again = post_paid(client, shopify_shop, payload, webhook_id="delivery-1")

    assert fired, "the fault was never injected"
    assert first.status_code >= 500
    assert (retry.status_code, retry.json["outcome"]) == (200, "processed")
    assert (again.status_code, again.json["outcome"]) == (200, "duplicate")
    with container.uow() as uow:
        entries = uow.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "earn"))
        balance = uow.session.scalar(select(Member.balance).where(Member.shop_id == shopify_shop.id))
    assert entries == 1
    assert balance > 0
    ledger_ok(container)


def test_connection_lost_mid_webhook_leaves_no_half_written_order(client, container, shopify_shop, is_postgres):
    payload = load_payload("shopify", "orders_paid")

    with connection_dies_at_first(container.engine, "ledger_entries", killer(container, is_postgres)):
        post_paid(client, shopify_shop, payload, webhook_id="delivery-2")

    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Order)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Member)) == 0


def test_a_webhook_meeting_a_locked_sqlite_database_answers_503_in_time_and_the_retry_credits_once(
    client, container, shopify_shop, is_postgres
):
    if is_postgres:
        pytest.skip("SQLite's file lock")
    payload = load_payload("shopify", "orders_paid")
    holder = sqlite3.connect(container.engine.url.database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing: a long import, a CLI command
    try:
        locked = post_paid(client, shopify_shop, payload, webhook_id="delivery-3")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    retry = post_paid(client, shopify_shop, payload, webhook_id="delivery-3")

    assert (locked.status_code, locked.json["reason"]) == (503, "database_unavailable")
    assert SQLITE_BUSY_SECONDS < 5, "Shopify stops waiting for an answer after 5 seconds"
    assert (retry.status_code, retry.json["outcome"]) == (200, "processed")
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
    ledger_ok(container)


# --- two web instances and two workers on one PostgreSQL ------------------------------------------------

SHOPPERS = 8
ORDERS = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def history() -> list[tuple[str, dict[str, Any]]]:
    """(delivery id, payload) in platform order: 40 paid orders, then a cancellation of every fifth one.

    Stamped around the real time: the served instances run on the system clock, and what follows an
    order (a thank-you email) depends on how recent it is.
    """
    rng = random.Random(8)
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)

    def stamp(minutes: int) -> str:
        return (base + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    deliveries = []
    for n in range(1, ORDERS + 1):
        who = n % SHOPPERS
        customer = {"id": 8000 + who, "email": f"kunde{who}@example.de", "first_name": "Kunde", "last_name": str(who)}
        amount = f"{rng.randint(10, 300)}.{rng.randint(0, 99):02d}"
        order = shopify_order(n, stamp(n), customer=customer, email=customer["email"], total_price=amount,
                              subtotal_price=amount, total_line_items_price=amount, current_total_price=amount)
        deliveries.append((f"paid-{n}", order))
        if n % 5 == 0:
            cancelled = dict(order, cancelled_at=stamp(60 + n), updated_at=stamp(60 + n), financial_status="voided")
            deliveries.append((f"cancel-{n}", cancelled))
    return deliveries


@contextmanager
def processes(commands: list[list[str]], env: dict[str, str], log_dir: Path) -> Iterator[list[subprocess.Popen]]:  # type: ignore[type-arg]
    started = []
    try:
        for i, command in enumerate(commands):
            log = (log_dir / f"proc-{i}.log").open("wb")
            started.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
        yield started
    finally:
        for proc in started:
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def send(base: str, shop: str, delivery_id: str, payload: dict[str, Any]) -> int:
    body = json.dumps(payload).encode()
    headers = shopify_headers(body, "orders/updated", shop, TEST_SHOPIFY_SECRET, webhook_id=delivery_id)
    for _ in range(5):  # a platform retries a 5xx
        status = requests.post(f"{base}/webhooks/shopify", data=body, headers=headers, timeout=30).status_code
        if status < 500:
            return status
    return status


def shop_results(container: Container, shop: Shop) -> dict[str, Any]:
    with container.uow() as uow:
        s = uow.session
        return {
            "balances": dict(s.execute(select(Member.email, Member.balance).where(Member.shop_id == shop.id)).all()),
            # Net points per order: the number of ledger rows depends on arrival order (a cancellation that
            # overtakes its payment posts nothing at all), what each order holds does not.
            "order_points": dict(
                s.execute(select(Order.order_ref, Order.points_earned).where(Order.shop_id == shop.id)).all()
            ),
            "ledger_sum": s.scalar(select(func.sum(LedgerEntry.delta)).where(LedgerEntry.shop_id == shop.id)),
            "orders": s.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop.id)),
            # Messages still meant to go out (a cancelled order's thank-you is cancelled, or never written).
            "outbox": sorted(s.scalars(select(OutboxMessage.kind).where(
                OutboxMessage.shop_id == shop.id, OutboxMessage.status != "cancelled"))),
            "sent": s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.shop_id == shop.id, OutboxMessage.status == "sent")),
        }


@pytest.mark.postgres
def test_two_web_instances_and_two_workers_produce_exactly_the_results_of_one(
    client, container, settings_overrides, is_postgres, tmp_path
):
    if not is_postgres:
        pytest.skip("several processes on one database: PostgreSQL")
    with FakeShopify(shop="verteilt.myshopify.com", access_token="shpat_multi") as fake:
        _two_of_everything(client, container, settings_overrides, tmp_path, fake)


def _two_of_everything(client, container, settings_overrides, tmp_path, fake: FakeShopify) -> None:  # type: ignore[no-untyped-def]
    now = container.clock.now()
    single = add_shop(container.uow(), container.box, NewShop("shopify", "einzeln.myshopify.com"), now)
    multi = add_shop(container.uow(), container.box, NewShop("shopify", fake.shop, access_token=fake.access_token),
                     now)
    deliveries = history()
    fake.orders.extend(_final_states(deliveries))
    env = _env(settings_overrides, tmp_path, fake)
    ports = [free_port(), free_port()]
    serve = [[LOYALTY, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8"] for port in ports]
    with processes(serve, env, tmp_path):
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_until_up(base)
        for delivery_id, payload in deliveries:  # the reference: one instance, every delivery once, in order
            assert send(bases[0], single.domain, delivery_id, payload) == 200
        rng = random.Random(2)
        jobs = [(bases[rng.randrange(2)], d, p) for d, p in deliveries]
        jobs += [(base, d, p) for d, p in rng.sample(deliveries, 15) for base in bases]  # duplicated across both
        rng.shuffle(jobs)
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(lambda job: send(job[0], multi.domain, job[1], job[2]), jobs))
        workers = [subprocess.Popen([LOYALTY, "worker", "--once"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT) for _ in range(2)]
        outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert set(statuses) == {200}
    assert all(w.returncode == 0 for w in workers), outputs
    expected, actual = shop_results(container, single), shop_results(container, multi)
    assert actual["balances"] == expected["balances"]
    assert actual["order_points"] == expected["order_points"]
    assert actual["ledger_sum"] == expected["ledger_sum"]
    assert actual["orders"] == expected["orders"] == ORDERS
    assert actual["outbox"] == expected["outbox"]
    sent_files = list((tmp_path / "instance" / "outbox").rglob("*.eml"))
    assert len(sent_files) == actual["sent"] + expected["sent"]  # none sent twice by the two workers
    assert member_by_email(container, multi, "kunde1@example.de").balance > 0
    ledger_ok(container)


def _final_states(deliveries: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    for _, payload in deliveries:
        latest[payload["id"]] = payload
    return list(latest.values())


def _env(settings_overrides: dict[str, Any], tmp_path: Path, fake: FakeShopify) -> dict[str, str]:
    return {
        **os.environ,
        "LOYALTY_DATABASE_URL": str(settings_overrides["database_url"]),
        "LOYALTY_SECRET_KEY": str(settings_overrides["secret_key"]),
        "SHOPIFY_API_KEY": str(settings_overrides["shopify_api_key"]),
        "SHOPIFY_API_SECRET": TEST_SHOPIFY_SECRET,
        "LOYALTY_SHOPIFY_API_BASE": fake.api_base,
        "LOYALTY_INSTANCE_PATH": str(tmp_path / "instance"),
        "LOYALTY_EMAIL_BACKEND": "file",
        "LOYALTY_DB_POOL_SIZE": "10",
    }
