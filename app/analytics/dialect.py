"""The few SQL spellings that differ between SQLite and PostgreSQL: month buckets, day spans, money as numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Numeric, String, cast, func, literal, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def dialect_of(session: Session) -> str:
    """"postgresql" or "sqlite"."""
    return session.get_bind().dialect.name


def month_of(column: Any, dialect: str) -> ColumnElement[str]:
    """The UTC calendar month of a timestamp as "YYYY-MM"."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


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


def text_of(expr: Any) -> ColumnElement[str]:
    """An integer column as text (for keys that mix member ids and emails)."""
    return cast(expr, String)
