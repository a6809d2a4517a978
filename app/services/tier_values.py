"""What tiers are measured on: a shop's programme as domain rules, and members' qualifying values (SQL sums)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.domain.tiers import TierDef, TierProgram, period_start, translations_from_dict
from app.models import LedgerEntry, Member, MemberTier, Order, Tier, TierProgramRow
from app.models.types import MoneyType
from app.repositories.shop_settings import settings_row

CENT = Decimal("0.01")
# Points basis: what orders earned, net of their reversals; bonuses (tier entry, signup, ...) do not count,
# so an entry bonus can never lift a member into the next tier by itself.
EARNING_KINDS = ("earn", "reverse")


def load_program(session: Session, shop_id: int) -> TierProgram | None:
    """The shop's tier programme, tiers by ascending threshold; None when the shop has none."""
    row = settings_row(session, TierProgramRow, shop_id)
    if row is None:
        return None
    tiers = session.scalars(select(Tier).where(Tier.shop_id == shop_id).order_by(Tier.position, Tier.id)).all()
    return TierProgram(
        basis=row.basis,  # type: ignore[arg-type]
        period=row.period,  # type: ignore[arg-type]
        grace_days=row.grace_days,
        tiers=tuple(
            TierDef(t.key, t.name, t.threshold, t.multiplier, t.entry_bonus_points, t.entry_coupon_reward_id,
                    tuple(t.perks or ()), translations_from_dict(t.translations))
            for t in tiers
        ),
    )


def _values(shop_id: int, basis: str, period: str, now: datetime) -> Select[Any]:
    """(member_id, value) per member with anything to count in the period."""
    start = period_start(period, now)
    if basis == "points":
        query = select(LedgerEntry.member_id.label("member_id"), func.sum(LedgerEntry.delta).label("value")).where(
            LedgerEntry.shop_id == shop_id, LedgerEntry.kind.in_(EARNING_KINDS)
        )
        if start is not None:
            query = query.where(LedgerEntry.occurred_at >= start)
        return query.group_by(LedgerEntry.member_id)
    paid_at = func.coalesce(Order.first_paid_at, Order.placed_at)
    query = select(Order.member_id.label("member_id"),
                   func.sum(Order.total - Order.refunded_total, type_=MoneyType()).label("value")).where(
        Order.shop_id == shop_id, Order.member_id.is_not(None), Order.is_paid.is_(True),
        Order.is_cancelled.is_(False), Order.is_test.is_(False),
    )
    if start is not None:
        query = query.where(paid_at >= start)
    return query.group_by(Order.member_id)


def _as_value(raw: object) -> Decimal:
    return Decimal(str(raw or 0)).quantize(CENT)


def qualifying_value(session: Session, shop_id: int, member_id: int, program: TierProgram, now: datetime) -> Decimal:
    """One member's net spend (money) or points earned over the programme's period."""
    column = LedgerEntry.member_id if program.basis == "points" else Order.member_id
    row = session.execute(_values(shop_id, program.basis, program.period, now).where(column == member_id)).first()
    return _as_value(row[1]) if row else Decimal("0.00")


def qualifying_values(
    session: Session, shop_id: int, member_ids: Collection[int], program: TierProgram, now: datetime
) -> dict[int, Decimal]:
    """`qualifying_value` of several members in one query (members with nothing to count are left out)."""
    column = LedgerEntry.member_id if program.basis == "points" else Order.member_id
    rows = session.execute(_values(shop_id, program.basis, program.period, now).where(column.in_(member_ids)))
    return {int(member_id): _as_value(value) for member_id, value in rows}


def member_standings(
    session: Session, shop_id: int, basis: str, period: str, now: datetime
) -> Iterator[tuple[str | None, datetime | None, Decimal]]:
    """Every member's stored tier, grace clock (`below_since`) and qualifying value, streamed: what the periodic
    evaluation decides on (a member never evaluated has no stored tier and no clock)."""
    values = _values(shop_id, basis, period, now).subquery("qualifying")
    query = (
        select(MemberTier.tier_key, MemberTier.below_since, values.c.value)
        .select_from(Member)
        .outerjoin(MemberTier, (MemberTier.member_id == Member.id) & (MemberTier.shop_id == shop_id))
        .outerjoin(values, values.c.member_id == Member.id)
        .where(Member.shop_id == shop_id)
    )
    for key, below_since, raw in session.execute(query).yield_per(1000):
        yield key, below_since, _as_value(raw)
