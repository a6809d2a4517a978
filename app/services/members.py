"""Members: created from customer records and orders; guest orders follow the shopper once they join."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.domain.snapshots import CustomerSnapshot
from app.models import Shop
from app.repositories.member_records import MemberRecords
from app.repositories.order_records import OrderRecords
from app.repositories.records import MemberRecord, OrderRecord
from app.repositories.records import save as save_record


def apply_customer(session: Session, shop: Shop, snap: CustomerSnapshot, now: datetime) -> MemberRecord:
    """A customer record arrived (customers/create|update, customer.created|updated)."""
    return ensure_member(session, shop, snap, now, attach_guest_orders=True)


def ensure_member(
    session: Session,
    shop: Shop,
    snap: CustomerSnapshot,
    now: datetime,
    *,
    attach_guest_orders: bool,
    joined_at: datetime | None = None,
) -> MemberRecord:
    """The locked member for this customer, created on first sight, with the record's details merged in (saved).

    With `attach_guest_orders`, orders placed earlier without an account under the same email are attached
    and credited. Their rows are locked before the member row (order → member, the order every path keeps).
    """
    guest_orders = []
    if attach_guest_orders and snap.email:
        guest_orders = OrderRecords(session, shop.id).guest_orders_for_email(snap.email)
    records = MemberRecords(session, shop.id)
    member, created = records.lock_by_customer(
        snap.customer_ref, _email(snap.email), min(joined_at or now, now), _details(snap, now)
    )
    _merge(member, snap, now)  # a member created now has them already
    if created:
        _on_join(session, shop, member, now)
    records.save(member)
    if guest_orders:
        from app.services.orders import reconcile_order

        for order in guest_orders:
            order.member_id = member.id
            reconcile_order(session, shop, order, now)
    return member


def after_order(session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime) -> None:
    """Everything that follows an order's reconciliation for its member (tiers, messages, referrals).

    The order and the member are written before the hooks (their queries count this order and see the
    balance) and again after them if a hook changed one (a tier's entry bonus credits the member).
    """
    from app.services.order_hooks import run_order_hooks

    if order.is_paid and not order.is_cancelled:
        paid_at = order.paid_at or now
        if member.last_order_at is None or paid_at > member.last_order_at:
            member.last_order_at = paid_at
    save_record(session, order, member)
    run_order_hooks(session, shop, member, order, now)
    save_record(session, order, member)


def _on_join(session: Session, shop: Shop, member: MemberRecord, now: datetime) -> None:
    from app.services.order_hooks import run_join_hooks

    run_join_hooks(session, shop, member, now)


def _details(snap: CustomerSnapshot, now: datetime) -> dict[str, object]:
    # A new member's details from the record, written with the member (merged later ones change them).
    return {"first_name": None, "last_name": None, "locale": None, **_stated(snap), "updated_at": now}


def _merge(member: MemberRecord, snap: CustomerSnapshot, now: datetime) -> None:
    if member.redacted_at is not None:
        return
    # The shop's say wins where it has one (a marketing withdrawal too); silence keeps what the member has (a
    # widget opt-in, say).
    changed = {name: value for name, value in _stated(snap).items() if getattr(member, name) != value}
    for name, value in changed.items():
        setattr(member, name, value)
    if changed:
        member.updated_at = now  # an unchanged record (most order webhooks repeat it) writes nothing


def _stated(snap: CustomerSnapshot) -> dict[str, object]:
    """The member's columns the customer record states, as stored; what it leaves out is not there."""
    values: dict[str, object] = {}
    if snap.email:
        values["email"] = _email(snap.email)
    if snap.first_name is not None:
        values["first_name"] = snap.first_name[:255]
    if snap.last_name is not None:
        values["last_name"] = snap.last_name[:255]
    if snap.locale:
        values["locale"] = snap.locale[:2].lower()
    if snap.accepts_marketing is not None:
        values["accepts_marketing"] = snap.accepts_marketing
    return values


def _email(email: str | None) -> str | None:
    return email.strip().lower()[:320] if email else None
