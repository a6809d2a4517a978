"""Chart series for the dashboard: retention per month, cohorts, points issued vs redeemed, liability forecast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.analytics import program_queries as pq
from app.analytics import queries as q
from app.analytics.settings import AnalyticsSettings
from app.domain import metrics as m
from app.domain.expiry import add_months
from app.models import ProgramSettings

CHART_MONTHS = 12
FORECAST_MONTHS = 6
REDEEM_KINDS = ("redeem", "redeem_refund")


def month_start(moment: datetime) -> datetime:
    """Midnight UTC of the first day of the moment's month."""
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def month_label(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def month_labels(start: datetime, end: datetime) -> list[str]:
    """"YYYY-MM" of every calendar month that [start, end) touches, in order."""
    labels, month = [], month_start(start)
    while month < end:
        labels.append(month_label(month))
        month = add_months(month, 1)
    return labels


def measured_until(start: datetime, end: datetime, now: datetime) -> datetime:
    """The instant a period's customers at its end are counted at: its end, or now while today is in it (the rest
    of today's lapses have not happened)."""
    return min(end, now) if now > start else end


def chart_series(
    session: Session, shop_id: int, start: datetime, end: datetime, now: datetime,
    options: AnalyticsSettings, program: ProgramSettings,
) -> dict[str, Any]:
    """Every chart's data for the period [start, end)."""
    return {
        "retention": retention_by_month(session, shop_id, measured_until(start, end, now),
                                        timedelta(days=options.churn_window_days)),
        "cohorts": cohort_table(session, shop_id, start, end),
        "points": points_by_month(session, shop_id, start, end),
        "liability": liability_forecast(session, shop_id, now, program),
    }


def retention_by_month(session: Session, shop_id: int, end: datetime, window: timedelta) -> list[dict[str, Any]]:
    """Retention and churn rate of each of the twelve calendar months up to the one `end` falls in.

    The last month is measured at `end` (when the headline figures are: `measured_until`), not at the month's
    end: a period ending today would otherwise count next weeks' lapses as churn that has not happened.
    """
    last = month_start(end - timedelta(microseconds=1))
    boundaries = [add_months(last, -i) for i in range(CHART_MONTHS - 1, -1, -1)] + [min(add_months(last, 1), end)]
    return [
        {"month": month_label(c.start), "customers": c.at_end, "new": c.new, "lost": c.lost,
         "retention_rate": m.retention_rate(c.at_start, c.lost),
         "churn_rate": m.churn_rate(c.lost, c.at_start)}
        for c in q.retention_counts(session, shop_id, boundaries, window)
    ]


def cohort_table(session: Session, shop_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Per month of first order: its customers, and the share of them ordering again 1, 2, ... months later."""
    rows = q.cohort_counts(session, shop_id, start, end)
    sizes: dict[str, int] = {}
    active: dict[tuple[str, int], int] = {}
    for cohort, month, customers in rows:
        offset = _months_between(cohort, month)
        if offset == 0:
            sizes[cohort] = customers
        else:
            active[(cohort, offset)] = customers
    last = month_label(end - timedelta(microseconds=1))
    table = []
    for cohort in sorted(sizes):
        span = _months_between(cohort, last)
        shares = [m.repeat_purchase_rate(active.get((cohort, k), 0), sizes[cohort]) for k in range(1, span + 1)]
        table.append({"cohort": cohort, "customers": sizes[cohort], "shares": shares})
    return table


def points_by_month(session: Session, shop_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Points issued (net of reversals), redeemed and expired per month: every month of the period, quiet ones as
    zeros, so the chart's bars stand on a time axis (only the months with entries put March beside May)."""
    months = {label: {"month": label, "issued": 0, "redeemed": 0, "expired": 0} for label in month_labels(start, end)}
    for month, kind, total in pq.points_by_month(session, shop_id, start, end):
        row = months.setdefault(month, {"month": month, "issued": 0, "redeemed": 0, "expired": 0})
        if kind in pq.ISSUING_KINDS:
            row["issued"] += total
        elif kind in REDEEM_KINDS:
            row["redeemed"] -= total
        elif kind == "expire":
            row["expired"] -= total
    return [months[k] for k in sorted(months)]


def liability_forecast(session: Session, shop_id: int, now: datetime, program: ProgramSettings) -> list[dict[str, Any]]:
    """Points (and their money value) that will expire in each of the next six months under the shop's policy."""
    first = month_start(now)
    labels = [month_label(add_months(first, i)) for i in range(FORECAST_MONTHS)]
    points: dict[str, int] = {}
    if program.expiry_policy == "per_lot":
        points = pq.lots_expiring_by_month(session, shop_id, now, add_months(first, FORECAST_MONTHS))
    elif program.expiry_policy == "inactivity":
        months = program.expiry_months
        since = add_months(first, -months)
        by_activity = pq.balances_by_last_order_month(session, shop_id, since, add_months(since, FORECAST_MONTHS))
        points = {_shift(label, months): total for label, total in by_activity.items()}
    return [
        {"month": label, "points": points.get(label, 0),
         "amount": m.points_liability(points.get(label, 0), program.point_value_points, program.point_value_amount)
         or Decimal("0.00")}
        for label in labels
    ]


def _months_between(earlier: str, later: str) -> int:
    y1, m1 = (int(p) for p in earlier.split("-"))
    y2, m2 = (int(p) for p in later.split("-"))
    return (y2 - y1) * 12 + (m2 - m1)


def _shift(label: str, months: int) -> str:
    year, month = (int(p) for p in label.split("-"))
    return month_label(add_months(datetime(year, month, 1, tzinfo=UTC), months))
