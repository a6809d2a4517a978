"""The retention report of one shop for one period: every figure with its definition, and the chart series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from app.analytics import program_queries as pq
from app.analytics import queries as q
from app.analytics.dialect import tune_for_analytics
from app.analytics.read import segments_in, shares_of
from app.analytics.series import chart_series, measured_until
from app.analytics.settings import AnalyticsSettings, from_program
from app.domain import metrics as m
from app.domain.errors import InvalidInput
from app.i18n import translate
from app.models import Shop
from app.repositories import ShopRepository
from app.uow import UnitOfWork

EARLIEST, LATEST = date(1990, 1, 1), date(2200, 12, 31)


YEAR_DAYS = 365  # the shortest span yearly figures are counted over


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `first` and `last` are the calendar days the merchant chose (both included)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def period_for(first: date | None, last: date | None, today: date) -> Period:
    """The chosen days, ending today at the latest; by default the twelve months up to today. InvalidInput for an
    impossible period.

    Days to come are left out: customers whose churn window runs out after today have not lapsed yet, and a period
    to the end of this month counted them as lost (and spread a week's churn over the whole month's length).
    """
    if first is not None and last is not None and first > last:
        raise InvalidInput("the period must start before it ends", errors={"from": ["after the end of the period"]})
    if first is not None and first > today:
        raise InvalidInput("the period must not start after today", errors={"from": ["after today"]})
    last = min(last or today, today)
    first = first or (last - timedelta(days=364))
    if first < EARLIEST or last > LATEST:
        raise InvalidInput("the period is out of range", errors={"from": [f"{EARLIEST} to {LATEST}"]})
    return Period(first, last)


def build_report(session: Session, shop: Shop, period: Period, now: datetime, locale: str) -> dict[str, Any]:
    """Every figure of the dashboard and `loyalty report`, each with a label and its definition."""
    tune_for_analytics(session)
    program = ShopRepository(session).settings(shop.id)
    options = from_program(program)
    values = {**_customer_figures(session, shop.id, period, options, now),
              **_program_figures(session, shop.id, period)}
    outstanding = pq.outstanding_points(session, shop.id)
    values["points_outstanding"] = outstanding
    values["points_liability"] = m.points_liability(outstanding, program.point_value_points,
                                                    program.point_value_amount)
    figures = {key: _figure(key, value, locale) for key, value in values.items()}
    return {
        "shop": {"id": shop.id, "domain": shop.domain, "currency": shop.currency},
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "settings": options.to_json(),
        "figures": figures,
        "charts": chart_series(session, shop.id, period.start, period.end, now, options, program),
    }


def _customer_figures(session: Session, shop_id: int, period: Period, options: AnalyticsSettings,
                      now: datetime) -> dict[str, Any]:
    window = timedelta(days=options.churn_window_days)
    until = measured_until(period.start, period.end, now)
    counts = q.retention_counts(session, shop_id, [period.start, until], window)[0]
    split = q.period_orders(session, shop_id, period.start, period.end)
    both = split["members"] + split["guests"]
    aov = m.average_order_value(both.revenue, both.orders)
    frequency = m.purchase_frequency(both.orders, both.customers)
    year = _at_least_a_year(period)
    if year != period:
        whole = q.period_orders(session, shop_id, year.start, year.end)
        base = whole["members"] + whole["guests"]
    else:
        base = both
    yearly = m.purchase_frequency(Decimal(base.orders) * m.DAYS_PER_YEAR / year.days, base.customers)
    lifetime = m.expected_lifetime_years(period.days, counts.lost, counts.at_start)
    clv = m.clv_of_totals(base.revenue, base.orders, base.customers, year.days, lifetime)
    return {
        "customers_at_start": counts.at_start,
        "customers_at_end": counts.at_end,
        "new_customers": counts.new,
        "lost_customers": counts.lost,
        "won_back_customers": counts.won_back,
        "retention_rate": m.retention_rate(counts.at_start, counts.lost),
        "churn_rate": m.churn_rate(counts.lost, counts.at_start),
        "orders": both.orders,
        "revenue": both.revenue,
        "customers": both.customers,
        "repeat_purchase_rate": m.repeat_purchase_rate(both.repeat_customers, both.customers),
        "aov": aov,
        "purchase_frequency": frequency,
        "purchase_frequency_year": yearly,
        "avg_lifetime": m.years_shown(lifetime),
        "clv": clv,
        "acquisition_cost": options.acquisition_cost,
        "ltv_cac": m.ltv_cac(clv, options.acquisition_cost),
        "members_aov": m.average_order_value(split["members"].revenue, split["members"].orders),
        "guests_aov": m.average_order_value(split["guests"].revenue, split["guests"].orders),
        "members_frequency": m.purchase_frequency(split["members"].orders, split["members"].customers),
        "guests_frequency": m.purchase_frequency(split["guests"].orders, split["guests"].customers),
    }


def _at_least_a_year(period: Period) -> Period:
    # Orders per customer per year are counted over a year at least, ending with the period: over a month, the
    # customers counted are those who ordered in it (one order each at least), and scaling their month up to a
    # year made a monthly report's frequency and CLV about twelve times the yearly one's.
    if period.days >= YEAR_DAYS:
        return period
    return Period(period.last - timedelta(days=YEAR_DAYS - 1), period.last)


def _program_figures(session: Session, shop_id: int, period: Period) -> dict[str, Any]:
    start, end = period.start, period.end
    kinds = pq.points_by_kind(session, shop_id, start, end)
    issued = sum(kinds.get(k, 0) for k in pq.ISSUING_KINDS)
    redeemed = -(kinds.get("redeem", 0) + kinds.get("redeem_refund", 0))
    coupons = pq.coupon_figures(session, shop_id, start, end)
    reviews = pq.review_figures(session, shop_id, start, end)
    return {
        "members": pq.members_count(session, shop_id, end),
        "active_members": pq.active_members(session, shop_id, start, end),
        "points_issued": issued,
        "points_redeemed": redeemed,
        "points_expired": -kinds.get("expire", 0),
        "redemption_rate": m.redemption_rate(redeemed, issued),
        "coupons_issued": coupons["issued"],
        "coupons_used": coupons["used"],
        "coupon_use_rate": m.coupon_use_rate(coupons["used"], coupons["issued"]),
        "coupon_orders": coupons["orders"],
        "coupon_revenue": coupons["revenue"],
        "review_requests": reviews["requested"],
        "review_responses": reviews["answered"],
        "review_response_rate": m.response_rate(reviews["answered"], reviews["requested"]),
        "reviews": reviews["reviews"],
        "average_rating": m.average_rating(reviews["rating_sum"], reviews["reviews"]),
        "nps": m.nps(reviews["promoters"], reviews["passives"], reviews["detractors"]),
    }


UNITS = {
    "retention_rate": "percent", "churn_rate": "percent", "repeat_purchase_rate": "percent",
    "redemption_rate": "percent", "coupon_use_rate": "percent", "review_response_rate": "percent",
    "revenue": "money", "aov": "money", "clv": "money", "acquisition_cost": "money", "points_liability": "money",
    "coupon_revenue": "money", "members_aov": "money", "guests_aov": "money", "avg_lifetime": "years",
    "ltv_cac": "ratio", "purchase_frequency": "ratio", "purchase_frequency_year": "ratio",
    "members_frequency": "ratio", "guests_frequency": "ratio", "average_rating": "stars", "nps": "score",
}


def _figure(key: str, value: Any, locale: str) -> dict[str, Any]:
    definition_key = f"analytics.def.{key}"
    definition = translate(definition_key, locale)
    if definition == definition_key:
        definition = m.DEFINITIONS.get(key, {}).get(locale, "")
    return {"value": value, "unit": UNITS.get(key, "count"),
            "label": translate(f"analytics.figure.{key}", locale), "definition": definition}



def report_for(uow: UnitOfWork, shop: Shop, first: date | None, last: date | None, now: datetime,
               locale: str, *, with_segments: bool = False) -> dict[str, Any]:
    """The report for the chosen days (default: the last twelve months), in its own read transaction;
    `with_segments` adds the A/B/C segments under "segments" (`loyalty report`; the admin page reads its own)."""
    period = period_for(first, last, now.date())
    with uow:
        data = build_report(uow.session, shop, period, now, locale)
        if with_segments:
            data["segments"] = abc_segments(uow.session, shop.id, locale)
        return data


def abc_segments(session: Session, shop_id: int, locale: str) -> dict[str, Any]:
    """Members and revenue per A/B/C class, counted as the admin's segments tab counts them, and their definition.

    The classes rank members by all their revenue so far, as the segments they name for campaigns and exports do,
    so they are not limited to the report's period.
    """
    a_share, b_share = shares_of(session, shop_id)
    definition = translate("analytics.def.abc_segments", locale, a=_percent(a_share, locale),
                           b=_percent(b_share, locale))
    return {"abc": segments_in(session, shop_id, locale)["abc"], "definition": definition}


def _percent(share: Decimal, locale: str) -> str:
    """0.80 → "80"; 0.825 → "82,5" (de) or "82.5" (en)."""
    return format_decimal(share * 100, locale=locale)


SECTIONS: dict[str, tuple[str, ...]] = {
    "retention": ("customers_at_start", "customers_at_end", "new_customers", "lost_customers", "won_back_customers",
                  "retention_rate",
                  "churn_rate", "repeat_purchase_rate", "avg_lifetime"),
    "value": ("orders", "revenue", "customers", "aov", "purchase_frequency", "purchase_frequency_year", "clv",
              "acquisition_cost", "ltv_cac", "members_aov", "guests_aov", "members_frequency", "guests_frequency"),
    "programme": ("members", "active_members", "points_issued", "points_redeemed", "points_expired",
                  "redemption_rate", "points_outstanding", "points_liability", "coupons_issued", "coupons_used",
                  "coupon_use_rate", "coupon_orders", "coupon_revenue", "review_requests", "review_responses",
                  "review_response_rate", "reviews", "average_rating", "nps"),
}
