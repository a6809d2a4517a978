"""Referral figures for the admin page: the queue (flagged first), statistics overall and per member."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.domain.errors import MemberNotFound
from app.models import LedgerEntry, Member, Referral, ReferralCode
from app.repositories import MemberRepository
from app.uow import UnitOfWork

STATUSES = ("pending", "ordered", "flagged", "rewarded", "rejected", "revoked")


def list_referrals(
    uow: UnitOfWork,
    shop_id: int,
    status: str | None = None,
    limit: int = 200,
    referrer_id: int | None = None,
    referral_id: int | None = None,
) -> list[dict[str, Any]]:
    """Referrals of the shop, flagged ones first (they wait for a decision), then newest first."""
    referrer, friend = aliased(Member), aliased(Member)
    query = (
        select(Referral, referrer.email, referrer.first_name, friend.email)
        .join(referrer, referrer.id == Referral.referrer_id)
        .outerjoin(friend, friend.id == Referral.friend_member_id)
        .where(Referral.shop_id == shop_id)
        .order_by(case((Referral.status == "flagged", 0), else_=1), Referral.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(Referral.status == status)
    if referrer_id is not None:
        query = query.where(Referral.referrer_id == referrer_id)
    if referral_id is not None:
        query = query.where(Referral.id == referral_id)
    with uow:
        rows = uow.session.execute(query).all()
    return [_row(r, ref_email, ref_name, friend_email) for r, ref_email, ref_name, friend_email in rows]


def referral_stats(uow: UnitOfWork, shop_id: int, member_id: int | None = None) -> dict[str, Any]:
    """Counts by status, link visits, conversion, points and coupons paid out (overall, or for one referrer)."""
    scope = [Referral.shop_id == shop_id] + ([Referral.referrer_id == member_id] if member_id else [])
    codes = [ReferralCode.shop_id == shop_id] + ([ReferralCode.member_id == member_id] if member_id else [])
    with uow:
        counts = dict(
            uow.session.execute(select(Referral.status, func.count()).where(*scope).group_by(Referral.status)).all()
        )
        clicks = uow.session.scalar(select(func.coalesce(func.sum(ReferralCode.clicks), 0)).where(*codes))
        coupons = uow.session.scalar(
            select(func.count()).where(
                *scope, Referral.status == "rewarded", Referral.referrer_coupon_code.is_not(None)
            )
        )
        points = uow.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
                LedgerEntry.shop_id == shop_id,
                LedgerEntry.kind == "referral",
                *([LedgerEntry.member_id == member_id] if member_id else []),
            )
        )
    by_status = {status: int(counts.get(status, 0)) for status in STATUSES}
    total = sum(by_status.values())
    converted = sum(by_status[s] for s in ("ordered", "rewarded", "flagged", "revoked", "rejected"))
    return {
        "by_status": by_status,
        "total": total,
        "clicks": int(clicks or 0),
        "converted": converted,
        "conversion": round(converted / total, 4) if total else 0.0,
        "points_awarded": int(points or 0),
        "coupons_awarded": int(coupons or 0),
    }


def member_referrals(uow: UnitOfWork, shop_id: int, member_id: int) -> dict[str, Any]:
    """One member as a referrer: code, statistics and their referrals (404 for another shop's member)."""
    with uow:
        if MemberRepository(uow.session, shop_id).get(member_id) is None:
            raise MemberNotFound()
        code = uow.session.scalar(
            select(ReferralCode.code).where(ReferralCode.shop_id == shop_id, ReferralCode.member_id == member_id)
        )
        referred_by = uow.session.scalar(
            select(Referral.referrer_id).where(Referral.shop_id == shop_id, Referral.friend_member_id == member_id)
        )
    rows = list_referrals(uow, shop_id, limit=500, referrer_id=member_id)
    return {
        "code": code,
        "referred_by": referred_by,
        "stats": referral_stats(uow, shop_id, member_id),
        "referrals": rows,
    }


def _row(
    r: Referral, referrer_email: str | None, referrer_name: str | None, friend_email: str | None
) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": r.status,
        "flags": list(r.flags or []),
        "was_flagged": r.was_flagged,
        "source": r.source,
        "code": r.code,
        "referrer_id": r.referrer_id,
        "referrer_email": referrer_email,
        "referrer_name": referrer_name,
        "friend_member_id": r.friend_member_id,
        "friend_email": friend_email or r.friend_email,
        "order_id": r.order_id,
        "order_name": r.order_name,
        "referrer_points": r.referrer_points,
        "referrer_coupon_code": r.referrer_coupon_code,
        "friend_coupon_code": r.friend_coupon_code,
        "created_at": r.created_at,
        "ordered_at": r.ordered_at,
        "settle_after": r.settle_after,
        "decided_at": r.decided_at,
        "decided_by": r.decided_by,
        "closed_at": r.closed_at,
        "note": r.note,
    }
