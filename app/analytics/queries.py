"""Customer and order aggregates for the retention figures: one GROUP BY per figure family, never rows in Python.

A customer is a member, or a guest by their email. Orders count when paid, not cancelled and not test
orders; revenue is what was paid minus what was refunded. Every select filters by `shop_id` and reads
`(shop_id, placed_at)`, `(shop_id, member_id)` or `(shop_id, email)` indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.analytics.dialect import dialect_of, month_label, month_of, num, to_money
from app.domain.earning import MIXED_CURRENCY_PLATFORMS
from app.models import Order, Shop


def customer_key() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The member id, else the guest's email: two columns to GROUP BY (cheaper than one text key)."""
    return Order.member_id, case((Order.member_id.is_(None), Order.email))


def qualifying(shop_id: int) -> list[ColumnElement[bool]]:
    """Orders that count: this shop's paid, not cancelled, non-test orders of an identifiable customer, in the
    shop's currency. A WooCommerce order in another (a multi-currency plugin's) is left out, as it earns no points
    (`app.domain.earning.in_shop_currency`) and the import refuses it: its amounts would add koruna to euros."""
    shop_currency = (select(Shop.currency)
                     .where(Shop.id == shop_id, Shop.platform.in_(sorted(MIXED_CURRENCY_PLATFORMS))).scalar_subquery())
    return [
        Order.shop_id == shop_id,
        Order.is_paid.is_(True),
        Order.is_cancelled.is_(False),
        Order.is_test.is_(False),
        (Order.member_id.is_not(None)) | (Order.email.is_not(None)),
        shop_currency.is_(None) | (Order.currency == shop_currency),
    ]


def revenue(dialect: str) -> ColumnElement[Any]:
    """Net revenue of one order, in `num`'s exact unit (read sums back with `to_money`)."""
    return num(Order.total, dialect) - num(Order.refunded_total, dialect)


@dataclass(frozen=True)
class RetentionCounts:
    """Customers at the start and end of one interval; new, lost and won back in it."""

    start: datetime
    end: datetime
    at_start: int
    at_end: int
    new: int
    lost: int
    won_back: int


def retention_counts(
    session: Session, shop_id: int, boundaries: list[datetime], window: timedelta
) -> list[RetentionCounts]:
    """For consecutive intervals [b0, b1), [b1, b2), ...: one scan over orders, one GROUP BY customer.

    A customer "is a customer" at instant b when they ordered in [b − window, b); lost in an interval
    when they were one at its start and are none at its end; new when their first order falls in it;
    won back when they are one at its end, were none at its start and had ordered before it. Won back is
    counted, not derived as end − new − (start − lost): a new customer can lapse inside a long interval.
    """
    flags = [
        func.max(case((and_(Order.placed_at >= b - window, Order.placed_at < b), 1), else_=0)).label(f"a{i}")
        for i, b in enumerate(boundaries)
    ]
    per_customer = (
        select(func.min(Order.placed_at).label("first"), *flags)
        .where(*qualifying(shop_id), Order.placed_at < boundaries[-1])
        .group_by(*customer_key())
        .subquery()
    )
    columns: list[ColumnElement[Any]] = [func.sum(per_customer.c[f"a{i}"]) for i in range(len(boundaries))]
    for i in range(len(boundaries) - 1):
        columns.extend(_interval_columns(per_customer, i, boundaries[i], boundaries[i + 1]))
    row = session.execute(select(*columns)).one()
    n = len(boundaries)
    at = [int(v or 0) for v in row[:n]]
    per = [int(v or 0) for v in row[n:]]
    return [
        RetentionCounts(boundaries[i], boundaries[i + 1], at[i], at[i + 1], *per[3 * i:3 * i + 3])
        for i in range(n - 1)
    ]


def _interval_columns(per_customer: Any, i: int, lo: datetime, hi: datetime) -> list[ColumnElement[Any]]:
    """New, lost and won-back customers of the interval [lo, hi) between flags a{i} and a{i+1}."""
    first, a_now, a_next = per_customer.c.first, per_customer.c[f"a{i}"], per_customer.c[f"a{i + 1}"]
    return [
        func.sum(case((and_(first >= lo, first < hi), 1), else_=0)),
        func.sum(case((and_(a_now == 1, a_next == 0), 1), else_=0)),
        func.sum(case((and_(a_now == 0, a_next == 1, first < lo), 1), else_=0)),
    ]


@dataclass(frozen=True)
class OrderFigures:
    """Orders, revenue and customers of a period, for one group of customers (members or guests)."""

    orders: int = 0
    revenue: Decimal = Decimal("0.00")
    customers: int = 0
    repeat_customers: int = 0

    def __add__(self, other: OrderFigures) -> OrderFigures:
        return OrderFigures(self.orders + other.orders, self.revenue + other.revenue,
                            self.customers + other.customers, self.repeat_customers + other.repeat_customers)


def period_orders(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[str, OrderFigures]:
    """Orders, revenue, customers and customers with 2+ orders in [start, end), for members and guests."""
    dialect = dialect_of(session)
    per_customer = (
        select(Order.member_id.label("member_id"), func.count().label("n"), func.sum(revenue(dialect)).label("rev"))
        .where(*qualifying(shop_id), Order.placed_at >= start, Order.placed_at < end)
        .group_by(*customer_key())
        .subquery()
    )
    c = per_customer.c
    member = case((c.member_id.is_not(None), 1), else_=0)
    rows = session.execute(
        select(member, func.sum(c.n), func.sum(c.rev), func.count(), func.sum(case((c.n >= 2, 1), else_=0)))
        .group_by(member)
    ).all()
    found = {
        ("members" if member else "guests"): OrderFigures(int(n or 0), to_money(rev, dialect), int(k), int(rep or 0))
        for member, n, rev, k, rep in rows
    }
    return {"members": found.get("members", OrderFigures()), "guests": found.get("guests", OrderFigures())}


def cohort_counts(session: Session, shop_id: int, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """(first-order month, order month, customers) for customers whose first order lies in [start, end).

    One scan: customer-months are grouped first, then each customer's first order comes from a window over
    their months, so no join back to the orders is needed.
    """
    dialect = dialect_of(session)
    member_id, guest = customer_key()
    month = month_of(Order.placed_at, dialect)
    months = (
        select(member_id.label("m"), guest.label("g"), month.label("month"), func.min(Order.placed_at).label("at"))
        .where(*qualifying(shop_id), Order.placed_at < end)
        .group_by(member_id, guest, month)
        .subquery()
    )
    first = func.min(months.c.at).over(partition_by=(months.c.m, months.c.g))
    firsts = select(months.c.month, first.label("first_at")).subquery()
    cohort = month_of(firsts.c.first_at, dialect)
    rows = session.execute(
        select(cohort, firsts.c.month, func.count())
        .where(firsts.c.first_at >= start)
        .group_by(cohort, firsts.c.month)
        .order_by(cohort, firsts.c.month)
    ).all()
    return [(month_label(c), month_label(a), int(n)) for c, a, n in rows]


def count_orders(session: Session, shop_id: int) -> int:
    """Every order row of the shop (the benchmark's yardstick)."""
    return int(session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop_id)) or 0)


