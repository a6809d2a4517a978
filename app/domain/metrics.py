"""Retention and programme metrics computed from SQL aggregates, with their plain-language definitions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypeAlias

Number: TypeAlias = Decimal | int

HUNDRED = Decimal("100")
TWO_PLACES = Decimal("0.01")
# The mean Gregorian year, so leap days do not stretch lifetimes.
DAYS_PER_YEAR = Decimal("365.25")


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _ratio(numerator: Number, denominator: Number) -> Decimal | None:
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _percent(part: Number, whole: Number) -> Decimal | None:
    ratio = _ratio(part, whole)
    return None if ratio is None else _round(ratio * HUNDRED)


def retention_rate(customers_at_start: Number, lost: Number) -> Decimal | None:
    """Share of the period's starting customers still customers at its end: (start − lost) ÷ start × 100.

    Not the textbook (end − new) ÷ start: a lapsed customer who comes back during the period is neither new
    nor was a customer at its start, and that formula counts them as retained (above 100 % at the extreme).
    Retention and churn add up to 100 %; customers won back (lapsed ones who came back) are counted apart.
    """
    return _percent(Decimal(customers_at_start) - Decimal(lost), customers_at_start)


def churn_rate(lost: Number, customers_at_start: Number) -> Decimal | None:
    """Share of the period's starting customers lost during it, in percent."""
    return _percent(lost, customers_at_start)


def repeat_purchase_rate(
    customers_with_2plus_orders: Number, customers_with_orders: Number
) -> Decimal | None:
    """Share of a period's ordering customers who ordered at least twice in it, in percent."""
    return _percent(customers_with_2plus_orders, customers_with_orders)


def average_order_value(revenue: Number, orders: Number) -> Decimal | None:
    """Revenue per order, in money rounded to cents."""
    ratio = _ratio(revenue, orders)
    return None if ratio is None else _round(ratio)


def purchase_frequency(orders: Number, customers: Number) -> Decimal | None:
    """Orders per customer over the period."""
    ratio = _ratio(orders, customers)
    return None if ratio is None else _round(ratio)


MAX_LIFETIME_YEARS = Decimal("10")  # a period that lost almost nobody must not promise customers for a century


def expected_lifetime_years(period_days: Number, lost: Number, customers_at_start: Number) -> Decimal | None:
    """How long a customer stays, in years: 1 ÷ the churn rate per year (the period's churn, spread over its
    length), at most MAX_LIFETIME_YEARS; None while the period lost nobody (or had no customers at its start).

    Not the mean time from first to last order: every one-time buyer counts 0 there (while still a customer),
    and AOV × yearly frequency × that span put a customer's worth below one order's.
    """
    churn = _ratio(lost, customers_at_start)
    if churn is None or churn == 0:
        return None
    return min(MAX_LIFETIME_YEARS, Decimal(period_days) / DAYS_PER_YEAR / churn)


def years_shown(years: Decimal | None) -> Decimal | None:
    """A span of years as the report shows it (two places)."""
    return None if years is None else _round(years)


def clv(aov: Decimal | None, frequency: Decimal | None, lifetime_years: Decimal | None) -> Decimal | None:
    """Customer lifetime value: AOV × purchase frequency × lifetime; None if any part is unknown."""
    if aov is None or frequency is None or lifetime_years is None:
        return None
    return _round(aov * frequency * lifetime_years)


def clv_of_totals(revenue: Number, orders: Number, customers: Number, period_days: Number,
                  lifetime_years: Decimal | None) -> Decimal | None:
    """`clv` from a period's totals and its (unrounded) expected lifetime: the parts unrounded, the product
    rounded once. Multiplying the shown (rounded) AOV, yearly frequency and lifetime compounds their rounding."""
    per_year = _ratio(Decimal(orders) * DAYS_PER_YEAR, period_days)
    return clv(_ratio(revenue, orders), None if per_year is None else _ratio(per_year, customers), lifetime_years)


def ltv_cac(clv_value: Decimal | None, cac: Decimal | None) -> Decimal | None:
    """Lifetime value per unit of acquisition cost; None without a CLV or a positive CAC."""
    if clv_value is None or cac is None or cac <= 0:
        return None
    return _round(clv_value / cac)


def redemption_rate(points_redeemed: Number, points_issued: Number) -> Decimal | None:
    """Share of issued points that were redeemed, in percent."""
    return _percent(points_redeemed, points_issued)


def points_liability(
    outstanding_points: Number, point_value_points: Number, point_value_amount: Decimal
) -> Decimal | None:
    """Money the outstanding points are worth at "`point_value_points` points = `point_value_amount`"."""
    ratio = _ratio(outstanding_points, point_value_points)
    return None if ratio is None else _round(ratio * point_value_amount)


def nps(promoters: Number, passives: Number, detractors: Number) -> Decimal | None:
    """Net promoter score: % promoters − % detractors of all answers, from −100 to 100."""
    total = Decimal(promoters) + Decimal(passives) + Decimal(detractors)
    ratio = _ratio(Decimal(promoters) - Decimal(detractors), total)
    return None if ratio is None else _round(ratio * HUNDRED)


def response_rate(responded: Number, total: Number) -> Decimal | None:
    """Share of reviews the shop answered, in percent."""
    return _percent(responded, total)


def coupon_use_rate(used: Number, issued: Number) -> Decimal | None:
    """Share of issued coupons that were used in an order, in percent."""
    return _percent(used, issued)


def average_rating(sum_of_ratings: Number, reviews: Number) -> Decimal | None:
    """Mean star rating over the reviews."""
    ratio = _ratio(sum_of_ratings, reviews)
    return None if ratio is None else _round(ratio)


DEFINITIONS: dict[str, dict[str, str]] = {
    "retention_rate": {
        "de": "Anteil der Kunden vom Periodenbeginn, die am Periodenende noch Kunden sind: "
        "(Kunden am Anfang − verlorene Kunden) ÷ Kunden am Anfang. Zurückgewonnene Kunden (vorher abgewandert, "
        "in der Periode wieder gekauft) zählen nicht als gehalten; Bindungs- und Abwanderungsrate ergeben 100 %.",
        "en": "Share of the customers at the start of the period who are still customers at its end: "
        "(customers at start − lost customers) ÷ customers at start. Customers won back (lapsed, then buying "
        "again in the period) do not count as retained; retention and churn add up to 100 %.",
    },
    "churn_rate": {
        "de": "Anteil der Kunden vom Periodenbeginn, die in der Periode verloren gingen.",
        "en": "Share of the customers at the start of the period who were lost during it.",
    },
    "repeat_purchase_rate": {
        "de": "Anteil der Kunden mit Bestellungen in der Periode, die in ihr mindestens zweimal bestellt haben "
        "(Bestellungen vor der Periode zählen nicht).",
        "en": "Share of the customers ordering in the period who ordered at least twice in it (orders before the "
        "period do not count).",
    },
    "aov": {
        "de": "Durchschnittlicher Bestellwert: Umsatz geteilt durch die Zahl der Bestellungen.",
        "en": "Average order value: revenue divided by the number of orders.",
    },
    "purchase_frequency": {
        "de": "Durchschnittliche Zahl der Bestellungen pro Kunde im Zeitraum.",
        "en": "Average number of orders per customer in the period.",
    },
    "avg_lifetime": {
        "de": "Erwartete Kundenlebensdauer: 1 ÷ Abwanderungsrate pro Jahr, höchstens 10 Jahre.",
        "en": "Expected customer lifetime: 1 ÷ churn rate per year, at most 10 years.",
    },
    "clv": {
        "de": "Kundenwert: durchschnittlicher Bestellwert × Bestellhäufigkeit pro Jahr × erwartete Kundenlebensdauer.",
        "en": "Customer lifetime value: average order value × yearly purchase frequency × expected lifetime.",
    },
    "ltv_cac": {
        "de": "Kundenwert geteilt durch die Kosten, einen Kunden zu gewinnen; über 3 gilt als gesund.",
        "en": "Customer lifetime value divided by the cost of acquiring a customer; "
        "above 3 counts as healthy.",
    },
    "members": {
        "de": "Zahl der Kunden, die am Treueprogramm teilnehmen.",
        "en": "Number of customers enrolled in the loyalty programme.",
    },
    "active_members": {
        "de": "Mitglieder, die im Zeitraum Punkte gesammelt oder eingelöst haben.",
        "en": "Members who earned or redeemed points in the period.",
    },
    "points_issued": {
        "de": "Im Zeitraum gutgeschriebene Punkte, abzüglich Stornierungen. Aus dem Punktekonto: auch Punkte von "
        "Testbestellungen (so lässt sich das Programm in einem Entwicklungsshop ausprobieren).",
        "en": "Points credited in the period, net of reversals. From the ledger: test orders earn points too (so "
        "the program can be tried in a development store).",
    },
    "points_redeemed": {
        "de": "Im Zeitraum gegen Prämien eingelöste Punkte.",
        "en": "Points spent on rewards in the period.",
    },
    "points_expired": {
        "de": "Im Zeitraum verfallene Punkte.",
        "en": "Points that expired in the period.",
    },
    "redemption_rate": {
        "de": "Anteil der ausgegebenen Punkte, die eingelöst wurden.",
        "en": "Share of issued points that were redeemed.",
    },
    "points_liability": {
        "de": "Geldwert aller offenen Punkte, also was der Shop den Mitgliedern noch schuldet.",
        "en": "Money value of all outstanding points: what the shop still owes its members.",
    },
    "coupon_use_rate": {
        "de": "Anteil der ausgegebenen Gutscheine, die in einer Bestellung eingelöst wurden.",
        "en": "Share of issued coupons that were used in an order.",
    },
    "coupon_revenue": {
        "de": "Umsatz der Bestellungen, in denen ein Gutschein des Programms eingelöst wurde.",
        "en": "Revenue of the orders in which a programme coupon was used.",
    },
    "review_response_rate": {
        "de": "Anteil der Bewertungen, die der Shop beantwortet hat.",
        "en": "Share of reviews the shop has answered.",
    },
    "average_rating": {
        "de": "Durchschnittliche Sternebewertung aller Bewertungen im Zeitraum.",
        "en": "Average star rating of all reviews in the period.",
    },
    "nps": {
        "de": "Net Promoter Score: Anteil der Promotoren (9–10) minus Anteil der Kritiker (0–6), "
        "von −100 bis 100.",
        "en": "Net Promoter Score: share of promoters (9–10) minus share of detractors (0–6), "
        "from −100 to 100.",
    },
}
