"""Point lots and ledger entries of one shop: the ledger's own writes are prebuilt statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.domain.ledger import LotView
from app.models import LedgerEntry, PointLot
from app.repositories.statements import bound, insert_values, table_of, values_of

_ENTRIES = table_of(LedgerEntry)
_LOTS = table_of(PointLot)
ENTRY_VALUES = ("shop_id", "member_id", "delta", "kind", "reason", "source_type", "source_ref", "order_id", "actor",
                "idempotency_key", "balance_after", "occurred_at")
LOT_VALUES = ("shop_id", "member_id", "entry_id", "order_id", "points", "remaining", "available_at", "expires_at",
              "matured")

_APPEND = sql.Statement(lambda _: insert_values(_ENTRIES, ENTRY_VALUES).returning(_ENTRIES.c.id))
_ADD_LOT = sql.Statement(lambda _: insert_values(_LOTS, LOT_VALUES))


def _entry_with_lot(_dialect: str) -> Any:
    # PostgreSQL: the entry and its lot in one statement (a data-modifying WITH), the entry's id returned.
    entry = insert(_ENTRIES).values(values_of(_ENTRIES, ENTRY_VALUES, "e_")).returning(_ENTRIES.c.id).cte("entry")
    lot_values = values_of(_LOTS, LOT_VALUES, "l_")
    columns = [lot_values[name] if name != "entry_id" else entry.c.id for name in LOT_VALUES]
    return insert(_LOTS).from_select(list(LOT_VALUES), select(*columns)).returning(_LOTS.c.entry_id)


_APPEND_WITH_LOT = sql.Statement(_entry_with_lot)
_OPEN_LOTS = sql.Statement(lambda _: select(
    _LOTS.c.id, _LOTS.c.remaining, _LOTS.c.expires_at, _LOTS.c.matured, _LOTS.c.order_id
).where(
    _LOTS.c.shop_id == bindparam("shop_id"), _LOTS.c.member_id == bindparam("member_id"), _LOTS.c.remaining > 0
).order_by(_LOTS.c.id))
_TAKE = sql.Statement(lambda _: update(_LOTS).where(
    _LOTS.c.shop_id == bindparam("shop_id"), _LOTS.c.id == bindparam("lot_id")
).values(remaining=_LOTS.c.remaining - bindparam("take")))


class LotRepository:
    """Every read and write here is scoped to one shop."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def append(self, values: dict[str, Any]) -> int:
        """Insert a ledger entry (ENTRY_VALUES without shop_id); its id."""
        row = sql.first(self.session, _APPEND, bound({"shop_id": self.shop_id, **values}))
        assert row is not None
        return int(row[0])

    def add_lot(self, values: dict[str, Any]) -> None:
        """Insert a lot (LOT_VALUES without shop_id)."""
        sql.execute(self.session, _ADD_LOT, bound({"shop_id": self.shop_id, **values}))

    def append_with_lot(self, entry: dict[str, Any], lot: dict[str, Any]) -> int:
        """Insert a ledger entry and the lot it forms (without shop_id, the lot without entry_id); the entry's id."""
        if self.session.get_bind().dialect.name != "postgresql":
            entry_id = self.append(entry)
            self.add_lot({**lot, "entry_id": entry_id})
            return entry_id
        params = {**bound({"shop_id": self.shop_id, **entry}, "e_"), **bound({"shop_id": self.shop_id, **lot}, "l_")}
        row = sql.first(self.session, _APPEND_WITH_LOT, params)
        assert row is not None
        return int(row[0])

    def open_lots(self, member_id: int) -> list[LotView]:
        """Lots with points left, oldest first; callers hold the member lock, which guards them."""
        found = sql.rows(self.session, _OPEN_LOTS, {"shop_id": self.shop_id, "member_id": member_id})
        return [
            LotView(id=lot_id, remaining=remaining, expires_at=expires_at, available=matured, order_id=order_id,
                    created_seq=lot_id)
            for lot_id, remaining, expires_at, matured, order_id in found
        ]

    def take(self, lot_id: int, points: int) -> None:
        """Take points out of a lot (the caller's plan never takes more than it holds)."""
        sql.execute(self.session, _TAKE, {"shop_id": self.shop_id, "lot_id": lot_id, "take": points})

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

