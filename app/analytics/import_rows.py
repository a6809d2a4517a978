"""One batch of `loyalty import`: its customers and orders written in the caller's (short) transaction.

A new order is stored as the platform's webhook would have delivered it; an order already known (an earlier run,
or a webhook) keeps its state, but is linked to its member if it had none and a member is found now (by customer
id, or by email, as a new order would be), and, with `award_points`, credited if it holds no points yet. The
order row's reconciliation against the ledger (DESIGN §4.2) makes a second credit impossible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.domain.earning import EarningRules
from app.domain.expiry import lapsed_until, lot_expires_at
from app.domain.snapshots import CustomerSnapshot, OrderSnapshot
from app.models import Shop
from app.repositories import MemberRepository
from app.repositories.member_records import MemberRecords
from app.repositories.order_records import OrderRecords
from app.repositories.records import MemberRecord, OrderRecord
from app.services.orders import apply_order_snapshot, reconcile_order
from app.services.tier_changes import evaluate_members
from app.services.tier_values import load_program

# The rules of an order stored without points: it earns nothing, and says it was the import that decided so (a
# later run with --award-points may credit it). Orders imported before the mark have the bare rules.
LEGACY_NO_EARNING = EarningRules(points_per_unit=Decimal("0")).to_dict()
NO_EARNING = {**LEGACY_NO_EARNING, "imported_without_points": True}


@dataclass
class ImportResult:
    """What the import did."""

    members_created: int = 0
    members_updated: int = 0
    orders_created: int = 0
    orders_skipped: int = 0  # already known (linked or credited now, or left as they were)
    orders_linked: int = 0  # known orders without a member, linked to one now
    orders_too_old: int = 0  # paid orders whose points would already have expired: none awarded
    orders_without_member: int = 0  # paid orders that no customer id and no member's email links to anyone
    points_awarded: int = 0

    def add(self, other: ImportResult) -> None:
        """Count another batch's work in."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class ExpiredHistory:
    """Which imported orders' points would already have expired under the shop's expiry rule, had they been
    credited when the order was paid: "per_lot", the order's lot; "inactivity", a gap of the expiry period without
    a purchase of the same buyer after it (in the files, or their member's last purchase on record)."""

    def __init__(self, policy: str, months: int, now: datetime, orders: Iterable[OrderSnapshot]) -> None:
        self.policy, self.months, self.now = policy, months, now
        self._paid: dict[str, list[datetime]] = defaultdict(list)
        if policy == "inactivity":
            for order in orders:
                if earns(order):
                    self._paid[buyer_key(order)].append(paid_at(order))
        self._lapsed: dict[str, datetime | None] = {}

    def too_old(self, order: OrderSnapshot, last_purchase: Callable[[], datetime | None]) -> bool:
        """Whether the order's points would have expired by now; `last_purchase`: its member's on record."""
        if not earns(order) or self.months < 1:
            return False
        if self.policy == "per_lot":
            expires_at = lot_expires_at(self.policy, self.months, paid_at(order))
            return expires_at is not None and expires_at <= self.now
        if self.policy != "inactivity":
            return False
        key = buyer_key(order)
        if key not in self._lapsed:
            on_record = last_purchase()
            activity = [*self._paid[key], *([on_record] if on_record is not None else [])]
            self._lapsed[key] = lapsed_until(activity, self.months, self.now)
        lapsed = self._lapsed[key]
        return lapsed is not None and paid_at(order) <= lapsed


def earns(order: OrderSnapshot) -> bool:
    """Whether the order, as the file has it, would earn points (paid and not cancelled)."""
    return order.is_paid and not order.is_cancelled


def paid_at(order: OrderSnapshot) -> datetime:
    """When the order's points would have been credited."""
    return order.paid_at or order.created_at


def buyer_key(order: OrderSnapshot) -> str:
    """Whose purchase it is: the customer's id, else the email (lower case)."""
    return order.customer.customer_ref if order.customer is not None else (order.email or "").lower()


class BatchWriter:
    """Writes rows in the caller's transaction (order → member locks, as every order path) and counts them."""

    def __init__(self, session: Session, shop: Shop, *, award_points: bool, aging: ExpiredHistory,
                 now: datetime) -> None:
        self.session, self.shop, self.award_points, self.aging, self.now = session, shop, award_points, aging, now
        self.result = ImportResult()
        self.members = MemberRecords(session, shop.id)
        self.orders = OrderRecords(session, shop.id)
        self.touched: set[int] = set()  # members whose tier is placed at the batch's end

    def customer(self, snap: CustomerSnapshot) -> None:
        """Create or update the customer's member (no join hooks: no signup bonus for history)."""
        member, created = self.members.lock_by_customer(snap.customer_ref, snap.email, self.now)
        if member.redacted_at is not None:
            return
        member.email = snap.email or member.email
        member.first_name = snap.first_name or member.first_name
        member.last_name = snap.last_name or member.last_name
        member.accepts_marketing = bool(member.accepts_marketing or snap.accepts_marketing)
        member.updated_at = self.now
        self.members.save(member)
        self.touched.add(member.id)
        if created:
            self.result.members_created += 1
        else:
            self.result.members_updated += 1

    def order(self, snap: OrderSnapshot) -> None:
        """Store a new order (credited with `award_points` unless too old), or complete a known one."""
        known = self.orders.lock(snap.order_ref)
        if known is not None:
            self._complete(known, snap)
            return
        self.result.orders_created += 1
        if self.award_points and not self._too_old(snap):
            self._credit_new(snap)
        else:
            self._store(snap)

    def place_tiers(self) -> None:
        """Put the batch's members in the tier their history reaches (silently: `change_tier` under the import),
        so the worker's next evaluation finds nothing to change and announces nothing."""
        program = load_program(self.session, self.shop.id)
        if program is None or not program.tiers:
            return
        locked = (self.members.lock(member_id) for member_id in sorted(self.touched))
        members = [member for member in locked if member is not None and member.redacted_at is None]
        if members:
            evaluate_members(self.session, self.shop, members, program, self.now)

    def _too_old(self, snap: OrderSnapshot) -> bool:
        old = self.aging.too_old(snap, lambda: self._last_purchase(snap))
        self.result.orders_too_old += int(old)
        return old

    def _last_purchase(self, snap: OrderSnapshot) -> datetime | None:
        members = MemberRepository(self.session, self.shop.id)
        if snap.customer is not None:
            found = members.get_by_customer_ref(snap.customer.customer_ref)
        else:
            found = members.get_by_email(snap.email) if snap.email else None
        return found.last_order_at if found is not None else None

    def _credit_new(self, snap: OrderSnapshot) -> None:
        # The order path of the webhooks: the order under today's rules, as if it had just been paid.
        known_member = self._has_member(snap)
        order = apply_order_snapshot(self.session, self.shop, snap, self.now)
        self.result.points_awarded += order.points_earned
        member = self.members.lock(order.member_id) if order.member_id is not None else None
        if member is None:
            self.result.orders_without_member += int(earns(snap))
            return
        # An order's customer who was not in the customer file becomes a member here: count them too.
        self.result.members_created += int(not known_member)
        self._note_purchase(member, snap)

    def _store(self, snap: OrderSnapshot) -> None:
        member, created = self._member_of(snap)
        self.result.members_created += int(created)
        values = stored_values(snap, self.now, member)
        order = self.orders.lock_or_create(snap.order_ref, values)
        for refund in snap.refunds:
            self.orders.add_refund(order, refund, refund.created_at or snap.created_at)
        if member is None:
            self.result.orders_without_member += int(earns(snap))
            return
        self._note_purchase(member, snap)

    def _complete(self, order: OrderRecord, snap: OrderSnapshot) -> None:
        self.result.orders_skipped += 1
        linked = order.member_id is None and self._link(order, snap)
        if order.member_id is None:
            self.result.orders_without_member += int(order.is_paid and not order.is_cancelled)
            return
        if not (_holds_no_points(order) and order.is_paid and not order.is_cancelled):
            if linked:
                self.orders.save(order)
            return
        if self.award_points and not self._too_old(snap):
            order.earn_rules = None  # credited under today's rules, as a new order of the file would be
            reconcile_order(self.session, self.shop, order, self.now)
            self.result.points_awarded += order.points_earned
        elif linked:
            order.earn_rules = order.earn_rules or NO_EARNING  # without points now: no later update credits it
            self.orders.save(order)

    def _link(self, order: OrderRecord, snap: OrderSnapshot) -> bool:
        """Link a known order without a member to the one found now; whether one was found."""
        member, created = self._member_of(snap)
        if member is None:
            return False
        self.result.members_created += int(created)
        self.result.orders_linked += 1
        order.member_id = member.id
        order.customer_ref = order.customer_ref or (snap.customer.customer_ref if snap.customer else None)
        self._note_purchase(member, snap)
        return True

    def _note_purchase(self, member: MemberRecord, snap: OrderSnapshot) -> None:
        if earns(snap) and snap.paid_at is not None and (member.last_order_at is None
                                                          or snap.paid_at > member.last_order_at):
            member.last_order_at = snap.paid_at
        member.joined_at = min(member.joined_at, snap.created_at)  # a customer since their first order
        self.members.save(member)
        self.touched.add(member.id)

    def _has_member(self, snap: OrderSnapshot) -> bool:
        members = MemberRepository(self.session, self.shop.id)
        if snap.customer is not None:
            return members.get_by_customer_ref(snap.customer.customer_ref) is not None
        return bool(snap.email) and members.get_by_email(snap.email) is not None

    def _member_of(self, snap: OrderSnapshot) -> tuple[MemberRecord | None, bool]:
        """The order's member, locked: its customer's (created on first sight: True), or the one its email finds."""
        if snap.customer is not None:
            return self.members.lock_by_customer(snap.customer.customer_ref, snap.email, snap.created_at)
        member_id = self.members.id_by_email(snap.email) if snap.email else None
        return (self.members.lock(member_id) if member_id is not None else None), False


def _holds_no_points(order: OrderRecord) -> bool:
    """Stored without points by an import, or never credited (no member when it was paid)."""
    rules = order.earn_rules
    return order.points_earned == 0 and (rules is None or rules == LEGACY_NO_EARNING
                                         or bool(rules.get("imported_without_points")))


def stored_values(snap: OrderSnapshot, now: datetime, member: MemberRecord | None) -> dict[str, Any]:
    """The columns of an order stored without points."""
    return {
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


def _refunded(snap: OrderSnapshot) -> dict[str, object]:
    total = sum((r.total for r in snap.refunds), Decimal("0"))
    # An amount-only refund from a CSV: its share of merchandise, shipping and tax is unknown, so it is
    # booked against merchandise, where it lowers revenue the same way.
    return {"refunded_total": total, "refunded_merchandise": min(total, snap.merchandise),
            "refunded_shipping": Decimal("0"), "refunded_tax": Decimal("0")}
