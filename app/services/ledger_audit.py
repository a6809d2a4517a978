"""`loyalty ledger verify`: cached balances equal ledger sums and no lot is overspent, for every member."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.models import LedgerEntry, Member, PointLot
from app.uow import UnitOfWork


@dataclass(frozen=True)
class Discrepancy:
    """One member whose caches disagree with the ledger or whose lots break the rules."""

    shop_id: int
    member_id: int
    email: str | None
    problem: str


def verify_ledger(uow: UnitOfWork, shop_id: int | None = None) -> tuple[int, list[Discrepancy]]:
    """Check every member (of one shop, or all) with three SQL aggregates; returns (members checked, problems)."""
    with uow:
        session = uow.session
        sums = (
            select(LedgerEntry.member_id, func.coalesce(func.sum(LedgerEntry.delta), 0).label("total"))
            .group_by(LedgerEntry.member_id)
            .subquery()
        )
        lots = (
            select(
                PointLot.member_id,
                func.coalesce(func.sum(PointLot.remaining), 0).label("remaining"),
                func.coalesce(
                    func.sum(case((PointLot.matured.is_(False), PointLot.remaining), else_=0)), 0
                ).label("pending"),
                func.coalesce(
                    func.sum(
                        case(((PointLot.remaining < 0) | (PointLot.remaining > PointLot.points), 1), else_=0)
                    ),
                    0,
                ).label("bad_lots"),
            )
            .group_by(PointLot.member_id)
            .subquery()
        )
        query = (
            select(
                Member.shop_id,
                Member.id,
                Member.email,
                Member.balance,
                Member.pending,
                func.coalesce(sums.c.total, 0),
                func.coalesce(lots.c.remaining, 0),
                func.coalesce(lots.c.pending, 0),
                func.coalesce(lots.c.bad_lots, 0),
            )
            .outerjoin(sums, sums.c.member_id == Member.id)
            .outerjoin(lots, lots.c.member_id == Member.id)
            .order_by(Member.id)
        )
        if shop_id is not None:
            query = query.where(Member.shop_id == shop_id)
        checked, problems = 0, []
        for row in session.execute(query):
            checked += 1
            problems.extend(_problems(*row))
        return checked, problems


def _problems(
    shop_id: int,
    member_id: int,
    email: str | None,
    balance: int,
    pending: int,
    ledger_sum: int,
    remaining: int,
    lot_pending: int,
    bad_lots: int,
) -> list[Discrepancy]:
    found = []
    if balance != ledger_sum:
        found.append(f"cached balance {balance} != ledger sum {ledger_sum}")
    if remaining != max(ledger_sum, 0):
        found.append(f"lots hold {remaining} points but the balance is {ledger_sum}")
    if pending != lot_pending:
        found.append(f"cached pending {pending} != pending lots {lot_pending}")
    if bad_lots:
        found.append(f"{bad_lots} lot(s) overspent or over-full")
    return [Discrepancy(shop_id, member_id, email, problem) for problem in found]
