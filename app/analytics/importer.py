"""`loyalty import`: historical customers and orders from a platform's CSV exports, all or nothing.

The whole file is read and checked first; any bad row rejects the import with every error listed (row,
column, message) and nothing is written. A good file goes in inside one transaction, flushed in batches.
Imported customers become members without join hooks (no signup bonus for history); imported orders are
stored with earning switched off, unless `award_points` sends them through the order reconciliation
path (`apply_order_snapshot`), which credits them under today's rules as if they had just been paid.
Amounts are taken in the shop's currency, as the platforms' webhooks send them: an order in another currency
is a row error (revenue would add euros to dollars), and an order without a currency is in the shop's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import TextIO

from sqlalchemy.orm import Session

from app.analytics.csv_formats import RowError
from app.analytics.csv_platforms import CURRENCY_COLUMNS, PARSERS
from app.domain.earning import EarningRules
from app.domain.errors import InvalidInput, NotFound
from app.domain.snapshots import CustomerSnapshot, OrderSnapshot
from app.models import Shop
from app.repositories import MemberRepository, OrderRepository, ShopRepository
from app.repositories.member_records import MemberRecords, forget_saved
from app.repositories.order_records import OrderRecords
from app.repositories.records import MemberRecord
from app.services.orders import apply_order_snapshot
from app.uow import UnitOfWork

BATCH = 500
NO_EARNING = EarningRules(points_per_unit=Decimal("0")).to_dict()


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


@dataclass
class ImportResult:
    """What the import did."""

    members_created: int = 0
    members_updated: int = 0
    orders_created: int = 0
    orders_skipped: int = 0
    points_awarded: int = 0


def read_files(
    platform: str, customers: TextIO | None, orders: TextIO | None, *, currency: str | None = None
) -> ImportPlan:
    """Parse and check both files completely; the plan's `errors` lists every problem found.

    With the shop's `currency`, orders in another currency are reported here already (as `import_history`
    reports them in any case), so a dry run finds them too.
    """
    if platform not in PARSERS:
        raise InvalidInput("unknown platform", errors={"platform": ["shopify or woocommerce"]})
    parse_customers, parse_orders = PARSERS[platform]
    plan = ImportPlan(platform)
    if customers is not None:
        plan.customers = parse_customers(customers, plan.errors)
        _check_duplicates(plan)
    if orders is not None:
        parsed = parse_orders(orders, plan.errors)
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
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write a checked plan in one transaction; ImportRejected (nothing written) if the plan has errors.

    Orders in a currency other than the shop's are errors too (see `currency_errors`).
    """
    _refuse_errors(plan.errors)
    result = ImportResult()
    with uow:
        session = uow.session
        shop = ShopRepository(session).get(shop_id)
        if shop is None:
            raise NotFound("unknown shop")
        _refuse_errors(currency_errors(plan, shop.currency))
        by_email: dict[str, CustomerSnapshot] = {}
        for i, customer in enumerate(plan.customers, start=1):
            _import_customer(session, shop, customer, now, result)
            if customer.email:
                by_email[customer.email] = customer
            _tick(session, progress, i)
        for i, order in enumerate(sorted(plan.orders, key=lambda o: o.created_at), start=1):
            linked = replace(_with_customer(order, by_email), currency=order.currency or shop.currency)
            _import_order(session, shop, linked, award_points, now, result)
            _tick(session, progress, len(plan.customers) + i)
        uow.commit()
    return result


def _refuse_errors(errors: list[RowError]) -> None:
    if errors:
        raise ImportRejected(errors={"rows": [str(e) for e in errors[:200]], "count": len(errors)})


def _tick(session: Session, progress: Callable[[int], None] | None, done: int) -> None:
    if done % BATCH == 0:
        session.flush()
        # Keeps memory flat on large files; rows are re-read by key when needed (locks are held either way).
        session.expunge_all()
        forget_saved(session)
    if progress is not None:
        progress(1)


def _import_customer(session: Session, shop: Shop, snap: CustomerSnapshot, now: datetime, result: ImportResult) -> None:
    records = MemberRecords(session, shop.id)
    member, created = records.lock_by_customer(snap.customer_ref, snap.email, now)
    if member.redacted_at is not None:
        return
    member.email = snap.email or member.email
    member.first_name = snap.first_name or member.first_name
    member.last_name = snap.last_name or member.last_name
    member.accepts_marketing = bool(member.accepts_marketing or snap.accepts_marketing)
    member.updated_at = now
    records.save(member)
    if created:
        result.members_created += 1
    else:
        result.members_updated += 1


def _with_customer(order: OrderSnapshot, by_email: dict[str, CustomerSnapshot]) -> OrderSnapshot:
    """Shopify's order export names no customer id: link by the email of an imported customer."""
    if order.customer is None and order.email and order.email in by_email:
        return replace(order, customer=by_email[order.email])
    return order


def _import_order(
    session: Session, shop: Shop, snap: OrderSnapshot, award_points: bool, now: datetime, result: ImportResult
) -> None:
    orders = OrderRepository(session, shop.id)
    if orders.get_by_ref(snap.order_ref) is not None:
        result.orders_skipped += 1
        return
    if award_points:
        known = _has_member(session, shop, snap)
        order = apply_order_snapshot(session, shop, snap, now)
        result.points_awarded += order.points_earned
        records = MemberRecords(session, shop.id)
        member = records.lock(order.member_id) if order.member_id else None
        # An order's customer who was not in the customer file becomes a member here: count them too.
        result.members_created += int(member is not None and not known)
        if member is not None and member.joined_at > snap.created_at:
            member.joined_at = snap.created_at  # a customer since their first order, not since the import
            records.save(member)
    else:
        _store_without_points(session, shop, snap, now, result)
    result.orders_created += 1


def _store_without_points(
    session: Session, shop: Shop, snap: OrderSnapshot, now: datetime, result: ImportResult
) -> None:
    member, created = _member_of(session, shop, snap)
    result.members_created += int(created)
    values = {
        "placed_at": snap.created_at, "snapshot_at": snap.updated_at, "created_at": now, "updated_at": now,
        "name": snap.name[:64], "currency": snap.currency, "financial_status": snap.financial_status[:32],
        "is_paid": snap.is_paid, "is_cancelled": snap.is_cancelled, "is_test": False,
        "taxes_included": snap.taxes_included, "paid_at": snap.paid_at, "first_paid_at": snap.paid_at,
        "cancelled_at": snap.cancelled_at, "merchandise": snap.merchandise, "shipping": snap.shipping,
        "tax": snap.tax, "total": snap.total, "email": snap.email, "member_id": member.id if member else None,
        "customer_ref": snap.customer.customer_ref if snap.customer else None,
        "discount_codes": list(snap.discount_codes), "earn_rules": NO_EARNING, "points_earned": 0,
        "line_items": [{"ref": li.ref, "product_ref": li.product_ref, "title": li.title, "quantity": li.quantity,
                        "amount": str(li.amount), "sku": li.sku} for li in snap.line_items],
        **_refunded(snap),
    }
    orders = OrderRecords(session, shop.id)
    order = orders.lock_or_create(snap.order_ref, values)
    for refund in snap.refunds:
        orders.add_refund(order, refund, refund.created_at or snap.created_at)
    if member is None:
        return
    if snap.is_paid and not snap.is_cancelled and snap.paid_at is not None:
        if member.last_order_at is None or snap.paid_at > member.last_order_at:
            member.last_order_at = snap.paid_at
    member.joined_at = min(member.joined_at, snap.created_at)  # a customer since their first order
    MemberRecords(session, shop.id).save(member)


def _refunded(snap: OrderSnapshot) -> dict[str, object]:
    total = sum((r.total for r in snap.refunds), Decimal("0"))
    # An amount-only refund from a CSV: its share of merchandise, shipping and tax is unknown, so it is
    # booked against merchandise, where it lowers revenue the same way.
    return {"refunded_total": total, "refunded_merchandise": min(total, snap.merchandise),
            "refunded_shipping": Decimal("0"), "refunded_tax": Decimal("0")}


def _has_member(session: Session, shop: Shop, snap: OrderSnapshot) -> bool:
    """Whether the order's customer, or the member its email finds, is already a member (summary counts)."""
    members = MemberRepository(session, shop.id)
    if snap.customer is not None:
        return members.get_by_customer_ref(snap.customer.customer_ref) is not None
    return bool(snap.email) and members.get_by_email(snap.email) is not None


def _member_of(session: Session, shop: Shop, snap: OrderSnapshot) -> tuple[MemberRecord | None, bool]:
    """The order's member, locked: its customer's (created on first sight: True), or the one its email finds."""
    members = MemberRecords(session, shop.id)
    if snap.customer is not None:
        return members.lock_by_customer(snap.customer.customer_ref, snap.email, snap.created_at)
    member_id = members.id_by_email(snap.email) if snap.email else None
    return (members.lock(member_id) if member_id is not None else None), False
