"""A large `loyalty import` writes in batches: a webhook for a customer in the file is answered while it runs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.analytics.importer import ImportResult, import_history, read_files
from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.snapshots import customer, order

pytestmark = pytest.mark.postgres

CUSTOMERS = 12
ORDERS_EACH = 3
BATCH = 5


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("row locks and concurrent transactions are proven on PostgreSQL")


def export_files(tmp_path):  # type: ignore[no-untyped-def]
    """WooCommerce's customer and order exports: 12 customers with 3 orders each, oldest first by customer."""
    customers = ["customer_id,email,first_name,last_name"]
    orders = ["order_id,order_date,status,order_total,order_currency,customer_id,billing_email"]
    for c in range(CUSTOMERS):
        customers.append(f"{100 + c},kunde{c}@example.de,Kunde,{c}")
        for o in range(ORDERS_EACH):
            placed = (START - timedelta(days=90 - o - 3 * c)).strftime("%Y-%m-%d %H:%M:%S")
            orders.append(f"{1000 + 10 * c + o},{placed},completed,20.00,EUR,{100 + c},kunde{c}@example.de")
    (tmp_path / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    customers_file, orders_file = tmp_path / "customers.csv", tmp_path / "orders.csv"
    with customers_file.open(encoding="utf-8") as c, orders_file.open(encoding="utf-8") as o:
        return read_files("woocommerce", c, o, currency="EUR")


def test_a_webhook_for_a_customer_in_the_file_is_answered_before_the_import_ends(container, woo_shop, tmp_path):  # type: ignore[no-untyped-def]
    plan = export_files(tmp_path)
    first_buyer = customer("100", "kunde0@example.de", first_name="Kunde", last_name="0")
    finished: list[str] = []
    first_orders_written, webhook_answered = threading.Event(), threading.Event()
    results: list[ImportResult] = []
    done: list[int] = []

    def progress(rows: int) -> None:
        done.append(rows)
        if sum(done) == CUSTOMERS + BATCH:  # every customer and the first batch of orders (kunde0's among them)
            first_orders_written.set()
            # The import goes on once the webhook is through, or after a minute if the webhook waits for it.
            webhook_answered.wait(timeout=60)

    def run_import() -> None:
        results.append(import_history(container.uow(), woo_shop.id, plan, award_points=True,
                                      now=container.clock.now(), progress=progress, batch_size=BATCH))
        finished.append("import")

    importing = threading.Thread(target=run_import)
    importing.start()
    assert first_orders_written.wait(timeout=60), "the import wrote no orders"
    outcome = deliver(container, woo_shop, order("9001", at=START, merchandise="40.00", buyer=first_buyer)).outcome
    finished.append("webhook")
    webhook_answered.set()
    importing.join(timeout=120)

    assert outcome == "processed"
    assert finished == ["webhook", "import"]
    assert results[0].orders_created == CUSTOMERS * ORDERS_EACH
    assert member_by_email(container, woo_shop, "kunde0@example.de").balance == 40 + ORDERS_EACH * 20
    ledger_ok(container)
