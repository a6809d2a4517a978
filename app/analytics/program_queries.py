"""Programme aggregates: members, points by ledger kind, liability and its expiry forecast, coupons, reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.analytics.dialect import dialect_of, month_label, month_of, to_money
from app.analytics.queries import qualifying, revenue
from app.models import (
    Coupon,
    LedgerEntry,
    Member,
    Order,
    OutboxMessage,
    PointLot,
    Review,
    ReviewSubmission,
)

# Ledger kinds that give points (net of "reverse") and the kinds a member acts through.
ISSUING_KINDS = ("earn", "bonus", "adjust", "referral", "review", "signup", "birthday", "campaign", "reverse")
ACTIVE_KINDS = ("earn", "bonus", "referral", "review", "signup", "birthday", "campaign", "redeem")
REVIEW_REQUEST_KIND = "review_request"
ISSUED_COUPON_STATES = ("active", "used", "expired", "deactivated", "pending_push")


def members_count(session: Session, shop_id: int, end: datetime) -> int:
    """Members who had joined before `end` and are not redacted."""
    return int(session.scalar(
        select(func.count()).select_from(Member)
        .where(Member.shop_id == shop_id, Member.joined_at < end, Member.redacted_at.is_(None))
    ) or 0)


def active_members(session: Session, shop_id: int, start: datetime, end: datetime) -> int:
    """Members with an earning or redeeming ledger entry in [start, end)."""
    return int(session.scalar(
        select(func.count(func.distinct(LedgerEntry.member_id)))
        .where(LedgerEntry.shop_id == shop_id, LedgerEntry.kind.in_(ACTIVE_KINDS),
               LedgerEntry.occurred_at >= start, LedgerEntry.occurred_at < end)
    ) or 0)


def points_by_kind(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Sum of ledger deltas per kind in [start, end)."""
    rows = session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.delta))
        .where(LedgerEntry.shop_id == shop_id, LedgerEntry.occurred_at >= start, LedgerEntry.occurred_at < end)
        .group_by(LedgerEntry.kind)
    ).all()
    return {str(kind): int(total or 0) for kind, total in rows}


def points_by_month(session: Session, shop_id: int, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """(month, kind, sum of deltas) for [start, end), for the issued-vs-redeemed chart."""
    month = month_of(LedgerEntry.occurred_at, dialect_of(session))
    rows = session.execute(
        select(month, LedgerEntry.kind, func.sum(LedgerEntry.delta))
        .where(LedgerEntry.shop_id == shop_id, LedgerEntry.occurred_at >= start, LedgerEntry.occurred_at < end)
        .group_by(month, LedgerEntry.kind)
        .order_by(month)
    ).all()
    return [(month_label(m), str(k), int(s or 0)) for m, k, s in rows]


def outstanding_points(session: Session, shop_id: int) -> int:
    """Points members hold today (positive balances only: a negative balance is no debt of the shop)."""
    return int(session.scalar(
        select(func.coalesce(func.sum(case((Member.balance > 0, Member.balance), else_=0)), 0))
        .where(Member.shop_id == shop_id)
    ) or 0)


def lots_expiring_by_month(session: Session, shop_id: int, now: datetime, until: datetime) -> dict[str, int]:
    """Remaining points of dated lots that expire in [now, until), per month (per-lot expiry)."""
    month = month_of(PointLot.expires_at, dialect_of(session))
    rows = session.execute(
        select(month, func.sum(PointLot.remaining))
        .where(PointLot.shop_id == shop_id, PointLot.expires_at >= now, PointLot.expires_at < until,
               PointLot.remaining > 0)
        .group_by(month)
    ).all()
    return {month_label(m): int(s or 0) for m, s in rows}


def balances_by_last_order_month(
    session: Session, shop_id: int, since: datetime, until: datetime
) -> dict[str, int]:
    """Positive balances grouped by the month of the member's last order in [since, until) (inactivity expiry)."""
    activity = func.coalesce(Member.last_order_at, Member.joined_at)
    month = month_of(activity, dialect_of(session))
    rows = session.execute(
        select(month, func.sum(Member.balance))
        .where(Member.shop_id == shop_id, Member.balance > 0, activity >= since, activity < until)
        .group_by(month)
    ).all()
    return {month_label(m): int(s or 0) for m, s in rows}


def coupon_figures(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Coupons issued in [start, end), how many of them were used, and the revenue of orders that used ours."""
    issued, used = session.execute(
        select(func.count(), func.sum(case((Coupon.used_at.is_not(None), 1), else_=0)))
        .where(Coupon.shop_id == shop_id, Coupon.status.in_(ISSUED_COUPON_STATES),
               Coupon.created_at >= start, Coupon.created_at < end)
    ).one()
    dialect = dialect_of(session)
    used_orders = select(Coupon.used_order_id).where(Coupon.shop_id == shop_id, Coupon.used_order_id.is_not(None))
    orders, revenue_sum = session.execute(
        select(func.count(), func.sum(revenue(dialect)))
        .where(*qualifying(shop_id), Order.placed_at >= start, Order.placed_at < end, Order.id.in_(used_orders))
    ).one()
    return {"issued": int(issued or 0), "used": int(used or 0), "orders": int(orders or 0),
            "revenue": to_money(revenue_sum, dialect)}


def review_figures(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Review requests sent and answered, ratings, and recommend scores (NPS) in [start, end)."""
    requested = session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.shop_id == shop_id, OutboxMessage.kind == REVIEW_REQUEST_KIND,
               OutboxMessage.status == "sent", OutboxMessage.sent_at >= start, OutboxMessage.sent_at < end)
    )
    score = ReviewSubmission.recommend_score
    answered, promoters, passives, detractors = session.execute(
        select(func.count(), func.sum(case((score >= 9, 1), else_=0)),
               func.sum(case((score.between(7, 8), 1), else_=0)), func.sum(case((score <= 6, 1), else_=0)))
        .where(ReviewSubmission.shop_id == shop_id, ReviewSubmission.submitted_at >= start,
               ReviewSubmission.submitted_at < end)
    ).one()
    reviews, rating_sum = session.execute(
        select(func.count(), func.sum(Review.rating))
        .where(Review.shop_id == shop_id, Review.created_at >= start, Review.created_at < end)
    ).one()
    return {"requested": int(requested or 0), "answered": int(answered or 0), "reviews": int(reviews or 0),
            "rating_sum": int(rating_sum or 0), "promoters": int(promoters or 0),
            "passives": int(passives or 0), "detractors": int(detractors or 0)}


