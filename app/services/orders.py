"""Order snapshots reconciled against the ledger (DESIGN §4.2): what the order should hold, minus what it holds."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.domain import earning
from app.domain.refunds import refunded_amounts
from app.domain.snapshots import FulfillmentSnapshot, OrderDeleted, OrderSnapshot, RefundSnapshot
from app.models import ProgramSettings, Shop
from app.repositories import ShopRepository
from app.repositories.member_records import MemberRecords
from app.repositories.order_records import OrderRecords
from app.repositories.records import MemberRecord, OrderRecord
from app.services import ledger, members
from app.services.ledger import Posting
from app.services.program import earning_rules, lot_dates

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
log = logging.getLogger(__name__)


def apply_order_snapshot(session: Session, shop: Shop, snap: OrderSnapshot, now: datetime) -> OrderRecord:
    """Merge one order snapshot: newer state replaces older, refunds accumulate, points follow."""
    orders = OrderRecords(session, shop.id)
    order = orders.lock_or_create(snap.order_ref, _placeholder(snap.created_at, now))
    new_refunds = [_record_refund(orders, order, refund, now) for refund in snap.refunds]
    if snap.updated_at >= order.snapshot_at or snap.restores:
        if snap.refunds_complete and _has_refunds(order):  # a refund deleted in the shop gives its points back
            new_refunds.append(orders.remove_refunds_except(order, {r.refund_ref for r in snap.refunds}) > 0)
        _copy_state(order, snap, now)
    if order.member_id is None:
        order.member_id = _member_id_for(session, shop, snap, now)
    return reconcile_order(session, shop, order, now, at=snap.updated_at, refunds_changed=any(new_refunds))


def apply_refund(session: Session, shop: Shop, refund: RefundSnapshot, now: datetime) -> OrderRecord:
    """A refund on its own (Shopify refunds/create): recorded once by its id, then the order reconciled."""
    orders = OrderRecords(session, shop.id)
    order = orders.lock_or_create(refund.order_ref, _placeholder(refund.created_at or now, now))
    _record_refund(orders, order, refund, now)
    return reconcile_order(session, shop, order, now, at=refund.created_at)


def apply_order_deleted(session: Session, shop: Shop, event: OrderDeleted, now: datetime) -> OrderRecord | None:
    """A deleted (trashed) order earns nothing; a later, newer snapshot, or its restoration, may bring it back."""
    order = OrderRecords(session, shop.id).lock(event.order_ref)
    if order is None:
        return None
    order.is_cancelled = True
    order.cancelled_at = order.cancelled_at or now
    order.snapshot_at = max(order.snapshot_at, now)
    return reconcile_order(session, shop, order, now)


def apply_fulfillment(
    session: Session, shop: Shop, event: FulfillmentSnapshot, now: datetime
) -> OrderRecord | None:
    """Remember when an order was fulfilled (review requests are timed from it)."""
    orders = OrderRecords(session, shop.id)
    order = orders.lock(event.order_ref)
    if order is not None and order.fulfilled_at is None:
        order.fulfilled_at = event.fulfilled_at
        order.updated_at = now
        orders.save(order)
    return order


def reconcile_order(
    session: Session, shop: Shop, order: OrderRecord, now: datetime, at: datetime | None = None,
    *, refunds_changed: bool = True,
) -> OrderRecord:
    """Post the difference between what the order should hold and what the ledger holds for it, and save both.

    The caller holds the order row lock; the member row is locked here (order → member, always).
    `refunds_changed=False` says this transaction recorded no refund for the order: if none was known
    before either (every refunded amount is zero), reading its refunds again is skipped. The order and the
    member are written before the order hooks run (their queries count this order), and the member again
    after them if a hook credited it.
    """
    settings = ShopRepository(session).settings(shop.id)
    orders = OrderRecords(session, shop.id)
    if refunds_changed or _has_refunds(order):
        _refresh_refund_totals(orders, order)
    member = MemberRecords(session, shop.id).lock(order.member_id) if order.member_id is not None else None
    if member is None:
        orders.save(order)
        return order
    if order.is_paid and order.earn_rules is None:
        order.earn_rules = earning_rules(session, settings, member).to_dict()
        order.first_paid_at = order.paid_at or now
        if not _in_shop_currency(order, shop):
            log.warning("order in another currency earns no points",
                        extra={"shop_id": shop.id, "order_ref": order.order_ref, "currency": order.currency})
    target = _target(order, shop)
    diff = target - order.points_earned
    if diff > 0:
        _earn(session, settings, member, order, diff, now)
    elif diff < 0:
        reason = "order_cancelled" if order.is_cancelled or not order.is_paid else "order_refunded"
        posting = Posting("reverse", reason, "order", order.order_ref, order.id)
        ledger.reverse(session, member, -diff, posting, now=now, at=at)
    order.points_earned = target
    members.after_order(session, shop, member, order, now)  # writes the order and the member
    return order


def _in_shop_currency(order: OrderRecord, shop: Shop) -> bool:
    # Compared with the currency the shop reported when it was connected.
    return earning.in_shop_currency(shop.platform, order.currency, shop.currency)


def _target(order: OrderRecord, shop: Shop) -> int:
    if order.earn_rules is None:
        return 0
    amounts = earning.OrderAmounts(
        merchandise=order.merchandise,
        shipping=order.shipping,
        tax=order.tax,
        refunded_merchandise=order.refunded_merchandise,
        refunded_shipping=order.refunded_shipping,
        refunded_tax=order.refunded_tax,
    )
    rules = earning.EarningRules.from_dict(order.earn_rules)
    return earning.target_points(amounts, rules, is_paid=order.is_paid, is_cancelled=order.is_cancelled,
                                 in_shop_currency=_in_shop_currency(order, shop))


def _earn(
    session: Session, settings: ProgramSettings, member: MemberRecord, order: OrderRecord, points: int, now: datetime
) -> None:
    available_at, expires_at = lot_dates(settings, order.first_paid_at or now, now)
    posting = Posting("earn", "order_paid", "order", order.order_ref, order.id)
    ledger.credit(
        session, member, points, posting, now=now, available_at=available_at, expires_at=expires_at,
        at=order.first_paid_at,
    )


def _member_id_for(session: Session, shop: Shop, snap: OrderSnapshot, now: datetime) -> int | None:
    if snap.customer is not None:
        return members.ensure_member(
            session, shop, snap.customer, now, attach_guest_orders=False, joined_at=snap.created_at
        ).id
    if snap.email:
        return MemberRecords(session, shop.id).id_by_email(snap.email)
    return None


def _has_refunds(order: OrderRecord) -> bool:
    # Any stored refund with a non-zero part leaves at least one refunded amount non-zero (domain/refunds.py),
    # so all-zero amounts mean every known refund adds nothing, whatever the order's amounts are now.
    return any((order.refunded_merchandise, order.refunded_shipping, order.refunded_tax, order.refunded_total))


def _record_refund(orders: OrderRecords, order: OrderRecord, refund: RefundSnapshot, now: datetime) -> bool:
    return orders.add_refund(order, refund, refund.created_at or now)


def _refresh_refund_totals(orders: OrderRecords, order: OrderRecord) -> None:
    refunded = refunded_amounts(
        orders.refunds(order),
        order_merchandise=order.merchandise,
        order_shipping=order.shipping,
        order_tax=order.tax,
        order_total=order.total,
        taxes_included=order.taxes_included,
    )
    order.refunded_merchandise = refunded.merchandise
    order.refunded_shipping = refunded.shipping
    order.refunded_tax = refunded.tax
    order.refunded_total = refunded.total


def _copy_state(order: OrderRecord, snap: OrderSnapshot, now: datetime) -> None:
    order.snapshot_at = snap.updated_at
    order.name = snap.name[:64]
    order.currency = snap.currency
    order.placed_at = snap.created_at
    order.financial_status = snap.financial_status
    order.is_paid = snap.is_paid
    order.is_cancelled = snap.is_cancelled
    order.is_test = snap.is_test
    order.taxes_included = snap.taxes_included
    order.paid_at = snap.paid_at or (order.paid_at if snap.is_paid else None)
    order.cancelled_at = snap.cancelled_at
    order.fulfilled_at = snap.fulfilled_at or order.fulfilled_at
    order.merchandise, order.shipping, order.tax, order.total = (
        snap.merchandise,
        snap.shipping,
        snap.tax,
        snap.total,
    )
    order.email = snap.email or (snap.customer.email if snap.customer else None) or order.email or None
    order.customer_ref = snap.customer.customer_ref if snap.customer else order.customer_ref
    order.discount_codes = list(snap.discount_codes)
    order.line_items = [
        {
            "ref": li.ref,
            "product_ref": li.product_ref,
            "title": li.title,
            "quantity": li.quantity,
            "amount": str(li.amount),
            "sku": li.sku,
            **({"paid": str(li.paid)} if li.paid is not None else {}),
        }
        for li in snap.line_items
    ]
    order.shipping_address_key = snap.shipping_address_key
    order.updated_at = now
    if order.email:
        order.email = order.email.strip().lower()[:320]


def _placeholder(placed_at: datetime, now: datetime) -> dict[str, object]:
    # Columns of an order seen first through a refund or an out-of-order delivery; any real snapshot is newer.
    return {
        "placed_at": placed_at,
        "snapshot_at": EPOCH,
        "created_at": now,
        "updated_at": now,
        "name": "",
        "currency": "EUR",
        "financial_status": "",
        "is_paid": False,
        "is_cancelled": False,
        "is_test": False,
        "taxes_included": False,
        "points_earned": 0,
        "discount_codes": [],
        "line_items": [],
        **{k: 0 for k in ("merchandise", "shipping", "tax", "total")},
        **{k: 0 for k in ("refunded_merchandise", "refunded_shipping", "refunded_tax", "refunded_total")},
    }
