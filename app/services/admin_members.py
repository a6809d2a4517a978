"""Admin work on members: search, a member's page, manual point adjustments (audited), the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import queries
from app.domain.errors import InsufficientPoints, MemberNotFound
from app.i18n import catalogue, translate
from app.models import AuditLog, LedgerEntry, Member, Referral
from app.repositories import LotRepository, MemberRepository, OrderRepository
from app.services import ledger, marketing_consent
from app.services.program import award_expiry
from app.uow import UnitOfWork


def search_members(uow: UnitOfWork, shop_id: int, text: str, *, offset: int = 0, limit: int = 50,
                   locale: str | None = None, sort: str = "joined_desc", tier: str | None = None,
                   with_pending: bool = False) -> dict[str, Any]:
    """One page of a shop's members whose email or name contains every word of `text` (all when empty), in
    `sort` order (queries.MEMBER_ORDER: join date, balance or name), only those in tier `tier` (a key) and with
    pending points (`with_pending`) if asked, with the number of all matches; tier names in `locale` (None: as the
    merchant wrote them)."""
    with uow:
        found = queries.member_list(uow.session, shop_id, text, offset=offset, limit=limit, locale=locale,
                                    sort=sort, tier=tier, with_pending=with_pending)
        found["members"] = [{**_row(row["member"]), "tier": row["tier"]} for row in found["members"]]
        return found


def member_page(uow: UnitOfWork, shop_id: int, member_id: int, locale: str) -> dict[str, Any]:
    """Balance, pending, spendable, lifetime points, lots, readable ledger history and orders of one member."""
    with uow:
        member = MemberRepository(uow.session, shop_id).get(member_id)
        if member is None:
            raise MemberNotFound(member_id=member_id)
        lots = LotRepository(uow.session, shop_id)
        orders = OrderRepository(uow.session, shop_id).list_for_member(member.id)
        names = {o.id: o.name for o in orders}
        return {
            **_row(member),
            "customer_ref": member.customer_ref, "first_name": member.first_name, "last_name": member.last_name,
            "spendable": max(0, member.balance - member.pending), "lifetime_points": member.lifetime_points,
            "last_order_at": member.last_order_at, "accepts_marketing": bool(member.accepts_marketing),
            "newsletter_push": marketing_consent.consent_status(uow.session, shop_id, member.id),
            "referred_by": _referrer(uow, shop_id, member.id),
            "lots": [
                {"id": lot.id, "points": lot.points, "remaining": lot.remaining, "available_at": lot.available_at,
                 "expires_at": lot.expires_at, "pending": not lot.matured}
                for lot in lots.lots(member.id)
            ],
            "ledger": [_ledger_row(entry, locale, names) for entry in lots.entries(member.id, limit=500)],
            "orders": [
                {"id": o.id, "name": o.name, "ref": o.order_ref, "placed_at": o.placed_at, "paid": o.is_paid,
                 "cancelled": o.is_cancelled, "currency": o.currency, "total": o.total,
                 "refunded": o.refunded_total, "points": o.points_earned}
                for o in orders
            ],
        }


def adjust_points(
    uow: UnitOfWork, shop_id: int, member_id: int, points: int, reason: str, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Add (points > 0) or take back (points < 0) points by hand, with the reason and the acting admin audited.

    Taking back more than the balance is refused (InsufficientPoints): a hand edit never makes it negative.
    """
    reason = reason.strip()
    with uow:
        member = MemberRepository(uow.session, shop_id).get_for_update(member_id)
        if member is None:
            raise MemberNotFound(member_id=member_id)
        if points < 0 and member.balance + points < 0:
            # Only a refund of spent points may leave a balance below zero (DESIGN §4.4), never a hand edit.
            raise InsufficientPoints("The adjustment would take the balance below zero.",
                                     needed=-points, available=member.balance)
        posting = ledger.Posting("adjust", reason, "admin", actor[:64], actor=actor)
        if points > 0:
            entry = ledger.credit(uow.session, member, points, posting, now=now,
                                  expires_at=award_expiry(uow.session, shop_id, now))
        else:
            entry = ledger.reverse(uow.session, member, -points, posting, now=now)
        uow.session.add(AuditLog(
            shop_id=shop_id, actor=actor, action="member.adjust", target=f"member:{member.id}",
            details={"points": points, "reason": reason, "entry_id": entry.id, "balance_after": member.balance},
            created_at=now,
        ))
        result = {"entry_id": entry.id, "delta": entry.delta, "balance": member.balance}
        uow.commit()
        return result


def audit_log(uow: UnitOfWork, shop_id: int, limit: int = 100) -> list[AuditLog]:
    """The newest admin actions of one shop."""
    with uow:
        return list(uow.session.scalars(
            select(AuditLog).where(AuditLog.shop_id == shop_id).order_by(AuditLog.id.desc()).limit(limit)
        ).all())


def readable_reason(entry: LedgerEntry, locale: str, order_names: dict[int, str]) -> str:
    """A ledger row's reason in the merchant's language (`ledger.<reason>` texts), else the stored text."""
    key = f"ledger.{entry.reason}"
    if key in catalogue():
        name = order_names.get(entry.order_id or 0) or entry.source_ref
        return translate(key, locale, name=name, ref=entry.source_ref)
    if entry.kind == "adjust":
        return f"{translate('ledger.manual', locale)}: {entry.reason}"
    return entry.reason


def _referrer(uow: UnitOfWork, shop_id: int, member_id: int) -> dict[str, Any] | None:
    """The member who referred this one (their number and name), if any."""
    referrer_id = uow.session.scalar(
        select(Referral.referrer_id).where(Referral.shop_id == shop_id, Referral.friend_member_id == member_id)
        .order_by(Referral.id).limit(1)
    )
    referrer = MemberRepository(uow.session, shop_id).get(referrer_id) if referrer_id else None
    return {"id": referrer.id, "name": referrer.display_name} if referrer else None


def _ledger_row(entry: LedgerEntry, locale: str, names: dict[int, str]) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.occurred_at, "delta": entry.delta, "kind": entry.kind,
            "reason": entry.reason, "text": readable_reason(entry, locale, names), "actor": entry.actor,
            "balance_after": entry.balance_after}


def _row(member: Member) -> dict[str, Any]:
    return {"id": member.id, "email": member.email, "name": member.display_name, "balance": member.balance,
            "pending": member.pending, "joined_at": member.joined_at, "redacted": member.redacted_at is not None}
