"""The few SQL spellings that differ between SQLite and PostgreSQL: month buckets, day spans, money as numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Numeric, cast, func, literal, text, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

ANALYTICS_WORK_MEM = "64MB"


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


def days_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[float]:
    """Days (fractional) from `earlier` to `later`."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def num(expr: Any, dialect: str) -> ColumnElement[Any]:
    """Money as a number SQL can sum and compare (SQLite keeps money as text so decimals stay exact at rest)."""
    if dialect == "postgresql":
        return type_coerce(expr, Numeric(14, 2))
    return cast(expr, Float)


def number(value: Any, dialect: str) -> ColumnElement[Any]:
    """A Python number as a literal of the type `num` produces."""
    if dialect == "postgresql":
        return literal(value, Numeric(14, 2))
    return literal(float(value), Float)


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
