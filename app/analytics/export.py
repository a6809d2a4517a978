"""CSV exports of members, the ledger and segment lists, streamed in chunks (safe to open in a spreadsheet).

Each starts with a byte order mark: without it, Excel (German Excel above all) reads UTF-8 as Windows-1252 and
garbles every umlaut. `loyalty import` reads such files back (it reads UTF-8 with or without the mark).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.analytics.dialect import tune_for_analytics
from app.analytics.segments import RFM_GROUPS, parse_segment, segment_members
from app.analytics.settings import from_program
from app.domain.errors import InvalidInput
from app.models import LedgerEntry, Member
from app.repositories import ShopRepository
from app.uow import UnitOfWork

CHUNK = 1000
MEMBER_COLUMNS = ("id", "customer_ref", "email", "first_name", "last_name", "balance", "pending",
                  "lifetime_points", "accepts_marketing", "joined_at", "last_order_at")
LEDGER_COLUMNS = ("id", "member_id", "email", "occurred_at", "kind", "delta", "balance_after", "reason",
                  "source_type", "source_ref", "actor")
SEGMENT_COLUMNS = ("id", "email", "name", "balance", "orders", "revenue", "last_order_at")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def segment_for_key(key: str) -> dict[str, Any]:
    """"A"/"B"/"C", an RFM group name, "tier:<key>" or "all" as a segment definition."""
    if key in ("A", "B", "C"):
        return parse_segment({"kind": "abc", "value": key})
    if key in RFM_GROUPS:
        return parse_segment({"kind": "rfm", "value": key})
    if key.startswith("tier:"):
        return parse_segment({"kind": "tier", "value": key[5:]})
    if key == "all":
        return parse_segment({"kind": "all"})
    raise InvalidInput("unknown segment", errors={"segment": ["A, B, C, an RFM group, tier:<key> or all"]})


def write_export(uow: UnitOfWork, shop_id: int, what: str, out: TextIO, segment: dict[str, Any] | None = None) -> int:
    """Write one export as CSV, byte order mark first, to `out` (UTF-8 text); returns the rows written."""
    with uow:
        session = uow.session
        if what == "members":
            return _write(out, MEMBER_COLUMNS, _members(session, shop_id))
        if what == "ledger":
            return _write(out, LEDGER_COLUMNS, _ledger(session, shop_id))
        if what == "segment" and segment is not None:
            tune_for_analytics(session)
            options = from_program(ShopRepository(session).settings(shop_id))
            rows = segment_members(session, shop_id, segment, (options.a_share, options.b_share), limit=None)
            return _write(out, SEGMENT_COLUMNS, ([r[c] for c in SEGMENT_COLUMNS] for r in rows))
    raise InvalidInput("unknown export", errors={"what": ["members, ledger or segment"]})


def export_text(uow: UnitOfWork, shop_id: int, what: str, segment: dict[str, Any] | None = None) -> str:
    """One export as a CSV string, byte order mark first (admin downloads)."""
    buffer = io.StringIO()
    write_export(uow, shop_id, what, buffer, segment)
    return buffer.getvalue()


def _members(session: Session, shop_id: int) -> Iterator[list[Any]]:
    query = (select(*(getattr(Member, c) for c in MEMBER_COLUMNS))
             .where(Member.shop_id == shop_id).order_by(Member.id).execution_options(yield_per=CHUNK))
    for row in session.execute(query):
        yield list(row)


def _ledger(session: Session, shop_id: int) -> Iterator[list[Any]]:
    query = (
        select(LedgerEntry.id, LedgerEntry.member_id, Member.email, LedgerEntry.occurred_at, LedgerEntry.kind,
               LedgerEntry.delta, LedgerEntry.balance_after, LedgerEntry.reason, LedgerEntry.source_type,
               LedgerEntry.source_ref, LedgerEntry.actor)
        .join(Member, Member.id == LedgerEntry.member_id)
        .where(LedgerEntry.shop_id == shop_id)
        .order_by(LedgerEntry.id)
        .execution_options(yield_per=CHUNK)
    )
    for row in session.execute(query):
        yield list(row)


def _write(out: TextIO, columns: tuple[str, ...], rows: Iterable[list[Any]]) -> int:
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    # A customer-supplied "=HYPERLINK(...)" must stay text when the merchant opens the file (CSV injection).
    return "'" + text if text.startswith(FORMULA_START) else text
