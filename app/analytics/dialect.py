"""The few SQL spellings that differ between SQLite and PostgreSQL: month buckets, day spans, exact money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Integer, Numeric, cast, func, literal, text, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

ANALYTICS_WORK_MEM = "64MB"
CENT = Decimal("0.01")


def dialect_of(session: Session) -> str:
    """"postgresql" or "sqlite"."""
    return session.get_bind().dialect.name


def month_of(column: Any, dialect: str) -> ColumnElement[Any]:
    """The UTC calendar month of a timestamp, to group by; `month_label` turns a result into "YYYY-MM".

    PostgreSQL truncates (much cheaper per row than formatting text); SQLite formats, having no date type.
    """
    if dialect == "postgresql":
        return func.date_trunc("month", func.timezone("UTC", column))
    return func.strftime("%Y-%m", column)


def month_label(value: Any) -> str:
    """"YYYY-MM" of a `month_of` result."""
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)[:7]


def num(expr: Any, dialect: str) -> ColumnElement[Any]:
    """Money as an exact number SQL can sum and compare: numeric on PostgreSQL, whole cents on SQLite.

    SQLite keeps money as text (exact at rest) but has no decimal type: summed as REAL, 10.01 + 20.04 is
    30.049999…, which fails a `>= 30.05` filter and moves A/B/C boundaries. Rounding each 2-decimal value
    to an integer of cents is exact, and so are integer sums and comparisons. `to_money` reads results back.
    """
    if dialect == "postgresql":
        return type_coerce(expr, Numeric(14, 2))
    return cast(func.round(cast(expr, Float) * 100), Integer)


def number(value: Any, dialect: str) -> ColumnElement[Any]:
    """An amount of money (at most two decimals) as a literal in the unit `num` produces."""
    if dialect == "postgresql":
        return literal(value, Numeric(14, 2))
    return literal(int((Decimal(value) * 100).to_integral_value()), Integer)


def to_money(value: Any, dialect: str) -> Decimal:
    """A `num` result (a sum, a single amount) as Decimal money with two places; NULL is 0.00."""
    amount = Decimal(str(value or 0))
    return (amount if dialect == "postgresql" else amount / 100).quantize(CENT)


def greatest(a: Any, b: Any, dialect: str) -> ColumnElement[Any]:
    """The larger of two values."""
    return func.greatest(a, b) if dialect == "postgresql" else func.max(a, b)


def tune_for_analytics(session: Session) -> None:
    """Plan this transaction's queries for whole-history aggregates (PostgreSQL; SET LOCAL ends with it).

    More memory lets grouping hash instead of sorting on disk; plain index scans are switched off because
    walking a shop's million orders in member order reads the heap at random (measured 3-10× slower in
    bench/analytics_scale.py), while bitmap scans still serve a small shop in a big table, in heap order;
    and JIT is off: the window queries' row estimates are far too high, so it compiled for 2 s to save ms.
    """
    if dialect_of(session) == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{ANALYTICS_WORK_MEM}'"))
        session.execute(text("SET LOCAL enable_indexscan = off"))
        session.execute(text("SET LOCAL jit = off"))
