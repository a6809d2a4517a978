"""`loyalty import`: historical customers and orders from a platform's CSV exports, checked whole, written in batches.

The whole file is read and checked first; any bad row rejects the import with every error listed (row,
column, message) and nothing is written. A good file then goes in batch by batch, each batch (`batch_size`
customers or orders) in a transaction of its own, so the locks a batch takes on members and orders are held
for a moment and a webhook for one of them waits for one batch at most, not for the whole import (DESIGN §4.6).
An interrupted import is continued by running it again: what is there already is recognised (members by customer
id, orders by their id), and known orders are linked and credited as `import_rows` says.
Imported customers become members without join hooks (no signup bonus for history); imported orders are
stored with earning switched off, unless `award_points` sends them through the order reconciliation
path (`apply_order_snapshot`), which credits them under today's rules as if they had just been paid, dated on
their payment; an order whose points would already have expired under the shop's expiry rule gets none.
Everything is written as history (`importing_history`): tiers are set without an email or entry rewards.
Amounts are taken in the shop's currency, as the platforms' webhooks send them: an order in another currency
is a row error (revenue would add euros to dollars), and an order without a currency is in the shop's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import TextIO, TypeVar

from app.analytics.csv_formats import Reading, RowError
from app.analytics.csv_platforms import CURRENCY_COLUMNS, PARSERS
from app.analytics.import_rows import BatchWriter, ExpiredHistory, ImportResult
from app.domain.errors import InvalidInput, NotFound
from app.domain.snapshots import CustomerSnapshot, OrderSnapshot
from app.repositories import ShopRepository
from app.services.order_hooks import importing_history
from app.uow import UnitOfWork

BATCH = 200
Row = TypeVar("Row", CustomerSnapshot, OrderSnapshot)


class ImportRejected(InvalidInput):
    """The files have errors; nothing was imported."""

    reason = "import_rejected"
    message = "The files have errors; nothing was imported."


@dataclass
class ImportPlan:
    """What the files hold, checked."""

    platform: str
    customers: list[CustomerSnapshot] = field(default_factory=list)
    orders: list[OrderSnapshot] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    order_rows: dict[str, int] = field(default_factory=dict)  # order ref → spreadsheet row of its order fields
    notes: list[str] = field(default_factory=list)  # how the files were read (separators, time zone)


def read_files(
    platform: str, customers: TextIO | None, orders: TextIO | None, *, currency: str | None = None,
    timezone: tzinfo = UTC,
) -> ImportPlan:
    """Parse and check both files completely; the plan's `errors` lists every problem found.

    With the shop's `currency`, orders in another currency are reported here already (as `import_history`
    reports them in any case), so a dry run finds them too. `timezone`: the zone of times written without an
    offset (WooCommerce's export writes the shop's local time).
    """
    if platform not in PARSERS:
        raise InvalidInput("unknown platform", errors={"platform": ["shopify or woocommerce"]})
    parse_customers, parse_orders = PARSERS[platform]
    plan = ImportPlan(platform)
    reading = Reading(plan.errors, plan.notes, timezone)
    if customers is not None:
        plan.customers = parse_customers(customers, reading)
        _check_duplicates(plan)
    if orders is not None:
        parsed = parse_orders(orders, reading)
        plan.orders = [p.order for p in parsed]
        plan.order_rows = {p.order.order_ref: p.row for p in parsed}
    if currency is not None:
        plan.errors.extend(currency_errors(plan, currency))
    return plan


def currency_errors(plan: ImportPlan, shop_currency: str) -> list[RowError]:
    """A row error for every order in a currency other than the shop's (none for an order without one)."""
    column = CURRENCY_COLUMNS[plan.platform]
    return [
        RowError("orders", plan.order_rows.get(order.order_ref, 0), column,
                 f"{order.currency} is not the shop's currency {shop_currency}: convert the order's amounts "
                 f"to {shop_currency} or leave the order out of the file")
        for order in plan.orders if order.currency and order.currency != shop_currency.upper()
    ]


def _check_duplicates(plan: ImportPlan) -> None:
    seen: dict[str, int] = {}
    for index, customer in enumerate(plan.customers):
        if customer.customer_ref in seen:
            plan.errors.append(RowError("customers", index + 2, "customer", f"{customer.customer_ref} appears twice"))
        seen[customer.customer_ref] = index


def import_history(
    uow: UnitOfWork, shop_id: int, plan: ImportPlan, *, award_points: bool, now: datetime,
    progress: Callable[[int], None] | None = None, batch_size: int = BATCH,
) -> ImportResult:
    """Write a checked plan, customers then orders (oldest first), `batch_size` rows per transaction.

    ImportRejected (nothing written) if the plan has errors, orders in a currency other than the shop's
    included (see `currency_errors`). `progress` is told the rows of each batch once it is committed.
    """
    _refuse_errors(plan.errors)
    with uow:
        shops = ShopRepository(uow.session)
        shop = shops.get(shop_id)
        if shop is None:
            raise NotFound("unknown shop")
        _refuse_errors(currency_errors(plan, shop.currency))
        currency, settings = shop.currency, shops.settings(shop_id)
        policy, months = settings.expiry_policy, settings.expiry_months
    by_email = {customer.email: customer for customer in plan.customers if customer.email}
    orders = [replace(_with_customer(order, by_email), currency=order.currency or currency)
              for order in sorted(plan.orders, key=lambda o: o.created_at)]
    batches = _Batches(uow, shop_id, award_points, ExpiredHistory(policy, months, now, orders), now,
                       max(1, batch_size), progress)
    batches.write(plan.customers, BatchWriter.customer)
    batches.write(orders, BatchWriter.order)
    return batches.result


@dataclass
class _Batches:
    """Rows written `size` at a time, each batch in one transaction, its counts added once it is committed."""

    uow: UnitOfWork
    shop_id: int
    award_points: bool
    aging: ExpiredHistory
    now: datetime
    size: int
    progress: Callable[[int], None] | None
    result: ImportResult = field(default_factory=ImportResult)

    def write(self, rows: Sequence[Row], one: Callable[[BatchWriter, Row], None]) -> None:
        for start in range(0, len(rows), self.size):
            batch = rows[start:start + self.size]
            with self.uow as uow:
                shop = ShopRepository(uow.session).get(self.shop_id)
                assert shop is not None, "the shop was there a moment ago"
                writer = BatchWriter(uow.session, shop, award_points=self.award_points, aging=self.aging,
                                     now=self.now)
                with importing_history(uow.session):
                    for row in batch:
                        one(writer, row)
                    writer.place_tiers()
                uow.commit()
            self.result.add(writer.result)
            if self.progress is not None:
                self.progress(len(batch))


def _refuse_errors(errors: list[RowError]) -> None:
    if errors:
        raise ImportRejected(errors={"rows": [str(e) for e in errors[:200]], "count": len(errors)})


def _with_customer(order: OrderSnapshot, by_email: dict[str, CustomerSnapshot]) -> OrderSnapshot:
    """Shopify's order export names no customer id: link by the email of an imported customer."""
    if order.customer is None and order.email and order.email in by_email:
        return replace(order, customer=by_email[order.email])
    return order
