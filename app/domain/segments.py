"""Customer segments: ABC classes by revenue share and RFM scores with their named groups."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from decimal import Decimal

A_SHARE = Decimal("0.80")
B_SHARE = Decimal("0.95")

# Rows are recency scores 1–5, columns the combined frequency/monetary score 1–5.
RFM_GRID: dict[int, tuple[str, str, str, str, str]] = {
    1: ("lost", "lost", "at_risk", "at_risk", "cannot_lose"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"),
    3: ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    4: ("promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"),
    5: ("new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"),
}

SEGMENT_LABELS: dict[str, dict[str, str]] = {
    "champions": {"de": "Champions", "en": "Champions"},
    "loyal": {"de": "Treue Kunden", "en": "Loyal customers"},
    "potential_loyalists": {"de": "Potenzielle Stammkunden", "en": "Potential loyalists"},
    "new_customers": {"de": "Neukunden", "en": "New customers"},
    "promising": {"de": "Vielversprechend", "en": "Promising"},
    "need_attention": {"de": "Brauchen Aufmerksamkeit", "en": "Need attention"},
    "about_to_sleep": {"de": "Drohen einzuschlafen", "en": "About to sleep"},
    "at_risk": {"de": "Gefährdet", "en": "At risk"},
    "cannot_lose": {"de": "Nicht verlieren", "en": "Cannot lose them"},
    "hibernating": {"de": "Im Winterschlaf", "en": "Hibernating"},
    "lost": {"de": "Verloren", "en": "Lost"},
    "A": {"de": "A-Kunden (Top-Umsatz)", "en": "A customers (top revenue)"},
    "B": {"de": "B-Kunden (mittlerer Umsatz)", "en": "B customers (middle revenue)"},
    "C": {"de": "C-Kunden (geringer Umsatz)", "en": "C customers (low revenue)"},
}


def abc_class(
    cumulative_share_before: Decimal, a_share: Decimal = A_SHARE, b_share: Decimal = B_SHARE
) -> str:
    """Class A while customers ranked above hold less than `a_share` of revenue, B below `b_share`, else C.

    So the top customer is always A, and the customer who crosses the 80 % line is still A.
    """
    if cumulative_share_before < a_share:
        return "A"
    if cumulative_share_before < b_share:
        return "B"
    return "C"


def abc_labels(
    revenues_desc: Sequence[Decimal], a_share: Decimal = A_SHARE, b_share: Decimal = B_SHARE
) -> list[str]:
    """ABC class of each customer, given revenues sorted from highest to lowest.

    Negative revenues (net refunds) count as zero; when nobody has revenue everyone is C. Equal revenues
    at a boundary split by their given order.
    """
    if any(later > earlier for earlier, later in zip(revenues_desc, revenues_desc[1:], strict=False)):
        raise ValueError("revenues must be sorted from highest to lowest")
    counted = [max(Decimal("0"), revenue) for revenue in revenues_desc]
    total = sum(counted, Decimal("0"))
    if total == 0:
        return ["C"] * len(counted)
    labels: list[str] = []
    before = Decimal("0")
    for revenue in counted:
        labels.append(abc_class(before / total, a_share, b_share))
        before += revenue
    return labels


def quintile_scores(values: Sequence[Decimal | float], higher_is_better: bool = True) -> list[int]:
    """Score each value 1–5 by its rank: 1 + ⌊5 × (values worse than it) ÷ n⌋.

    Ties share a score, the one the worst-placed of them would get, so a crowd of one-time buyers all
    score 1 on frequency. With `higher_is_better=False` (recency in days) smaller values score higher.
    """
    ordered = sorted(values)
    n = len(ordered)
    scores: list[int] = []
    for value in values:
        worse = bisect_left(ordered, value) if higher_is_better else n - bisect_right(ordered, value)
        scores.append(1 + 5 * worse // n)
    return scores


def rfm_group(r: int, f: int, m: int) -> str:
    """Named group for recency, frequency and monetary scores (each 1–5, 5 best).

    Frequency and monetary merge into FM = (f + m) / 2 rounded half up; then, by recency row:
      r 5: FM 1 new_customers, FM 2–3 potential_loyalists, FM 4–5 champions
      r 4: FM 1 promising, FM 2–3 potential_loyalists, FM 4–5 loyal
      r 3: FM 1–2 about_to_sleep, FM 3 need_attention, FM 4–5 loyal
      r 2: FM 1–2 hibernating, FM 3–4 at_risk, FM 5 cannot_lose
      r 1: FM 1–2 lost, FM 3–4 at_risk, FM 5 cannot_lose
    """
    for name, score in (("r", r), ("f", f), ("m", m)):
        if not 1 <= score <= 5:
            raise ValueError(f"{name} score must be 1–5, got {score}")
    fm = (f + m + 1) // 2
    return RFM_GRID[r][fm - 1]
