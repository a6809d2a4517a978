"""Point lots and ledger entries of one shop."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.ledger import LotView
from app.models import LedgerEntry, PointLot


class LotRepository:
    """Every read and write here is scoped to one shop."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def open_lots(self, member_id: int) -> Sequence[PointLot]:
        """Lots with points left; callers hold the member lock, which guards them."""
        self.session.flush()  # lots credited earlier in this transaction are pending until a flush
        return self.session.scalars(
            select(PointLot)
            .where(PointLot.shop_id == self.shop_id, PointLot.member_id == member_id, PointLot.remaining > 0)
            .order_by(PointLot.id)
        ).all()

    @staticmethod
    def views(lots: Sequence[PointLot]) -> list[LotView]:
        return [
            LotView(
                id=lot.id,
                remaining=lot.remaining,
                expires_at=lot.expires_at,
                available=lot.matured,
                order_id=lot.order_id,
                created_seq=lot.id,
            )
            for lot in lots
        ]

    def entries(self, member_id: int, limit: int = 50) -> Sequence[LedgerEntry]:
        return self.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.shop_id == self.shop_id, LedgerEntry.member_id == member_id)
            .order_by(LedgerEntry.id.desc())
            .limit(limit)
        ).all()

    def lots(self, member_id: int) -> Sequence[PointLot]:
        return self.session.scalars(
            select(PointLot)
            .where(PointLot.shop_id == self.shop_id, PointLot.member_id == member_id)
            .order_by(PointLot.id)
        ).all()
