"""Member segments in SQL: A/B/C by revenue share (window functions), RFM quintile groups, tier, simple filters.

`segment_select` turns a segment definition into a `SELECT member_id`, so counts, member lists, CSV exports
and campaign batches all use the same query.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.analytics.dialect import dialect_of, greatest, number, to_money
from app.analytics.queries import qualifying, revenue
from app.domain.errors import InvalidInput
from app.domain.segments import RFM_GRID, SEGMENT_LABELS
from app.domain.tiers import translated_label, translations_from_dict
from app.models import Member, MemberTier, Order, Tier

KINDS = ("all", "abc", "rfm", "tier", "filter")
ABC = ("A", "B", "C")
RFM_GROUPS = tuple(sorted({name for row in RFM_GRID.values() for name in row}))
FILTER_FIELDS = ("last_order_before", "last_order_after", "min_orders", "min_spend")


def parse_segment(raw: dict[str, Any]) -> dict[str, Any]:
    """A checked, normalised segment definition; InvalidInput with per-field errors otherwise."""
    kind = raw.get("kind")
    if kind not in KINDS:
        raise InvalidInput("unknown segment", errors={"kind": [f"one of {', '.join(KINDS)}"]})
    if kind == "abc" and raw.get("value") not in ABC:
        raise InvalidInput("unknown A/B/C class", errors={"value": ["one of A, B, C"]})
    if kind == "rfm" and raw.get("value") not in RFM_GROUPS:
        raise InvalidInput("unknown RFM group", errors={"value": [f"one of {', '.join(RFM_GROUPS)}"]})
    if kind == "tier" and not str(raw.get("value") or "").strip():
        raise InvalidInput("which tier?", errors={"value": ["a tier key"]})
    if kind in ("all", "filter"):
        return {"kind": kind, **_filters(raw)}
    return {"kind": kind, "value": str(raw["value"]).strip()}


def _filters(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in ("last_order_before", "last_order_after"):
        if raw.get(name):
            try:
                out[name] = date.fromisoformat(str(raw[name])).isoformat()
            except ValueError:
                errors[name] = ["a date YYYY-MM-DD"]
    if raw.get("min_orders") not in (None, ""):
        try:
            out["min_orders"] = int(raw["min_orders"])
        except (TypeError, ValueError):
            errors["min_orders"] = ["a whole number"]
    if raw.get("min_spend") not in (None, ""):
        try:
            out["min_spend"] = str(Decimal(str(raw["min_spend"])).quantize(Decimal("0.01")))
        except InvalidOperation:
            errors["min_spend"] = ["an amount"]
    if errors:
        raise InvalidInput("invalid filter", errors=errors)
    return out


def member_stats(session: Session, shop_id: int, only: Any = None) -> Any:
    """Per member with orders: order count, net revenue and last order (a CTE); `only`: these member ids."""
    query = (
        select(Order.member_id.label("member_id"), func.count().label("orders"),
               func.sum(revenue(dialect_of(session))).label("revenue"), func.max(Order.placed_at).label("last_at"))
        .where(*qualifying(shop_id), Order.member_id.is_not(None))
        .group_by(Order.member_id)
    )
    return (query if only is None else query.where(Order.member_id.in_(only))).cte()


def abc_classes(session: Session, shop_id: int, a_share: Decimal, b_share: Decimal, stats: Any = None) -> Any:
    """(member_id, revenue, class): A while the members ranked above hold < a_share of revenue, B < b_share."""
    dialect = dialect_of(session)
    stats = stats if stats is not None else member_stats(session, shop_id)
    rev = greatest(stats.c.revenue, number(0, dialect), dialect)
    ranked = select(
        stats.c.member_id,
        rev.label("revenue"),
        # A running sum minus the row itself: the plain running frame is the one PostgreSQL does in one pass.
        (func.sum(rev).over(order_by=(rev.desc(), stats.c.member_id), rows=(None, 0)) - rev).label("before"),
        func.sum(rev).over().label("total"),
    ).subquery("ranked")
    before = func.coalesce(ranked.c.before, number(0, dialect))
    total = ranked.c.total
    label = case(
        (total <= 0, "C"),
        (_share_below(before, total, a_share), "A"),
        (_share_below(before, total, b_share), "B"),
        else_="C",
    )
    return select(ranked.c.member_id, ranked.c.revenue, label.label("segment")).subquery("abc")


def _share_below(part: Any, whole: Any, share: Decimal) -> ColumnElement[bool]:
    """part ÷ whole < share, as part × q < whole × p for share = p/q: exact (no fractional product to round)."""
    numerator, denominator = share.as_integer_ratio()
    return part * literal(denominator) < whole * literal(numerator)


def rfm_groups(session: Session, shop_id: int, stats: Any = None) -> Any:
    """(member_id, r, f, m, segment): quintile scores 1 + ⌊5 × (members ranked worse) ÷ n⌋ and the named group."""
    stats = stats if stats is not None else member_stats(session, shop_id)
    n = func.count().over()

    def score(column: Any) -> ColumnElement[int]:
        return 1 + (5 * (func.rank().over(order_by=column) - 1)) // n

    scored = select(
        stats.c.member_id, score(stats.c.last_at).label("r"), score(stats.c.orders).label("f"),
        score(stats.c.revenue).label("m"),
    ).subquery("scored")
    fm = (scored.c.f + scored.c.m + 1) // 2
    whens = [
        (and_(scored.c.r == r, fm == i + 1), literal(name))
        for r, row in RFM_GRID.items() for i, name in enumerate(row)
    ]
    return select(scored.c.member_id, scored.c.r, scored.c.f, scored.c.m,
                  case(*whens, else_="lost").label("segment")).subquery("rfm")


def segment_select(
    session: Session, shop_id: int, definition: dict[str, Any], shares: tuple[Decimal, Decimal]
) -> Select:
    """`SELECT member_id` of the members in a (parsed) segment, redacted members excluded."""
    kind = definition["kind"]
    if kind == "abc":
        abc = abc_classes(session, shop_id, *shares)
        inner = select(abc.c.member_id).where(abc.c.segment == definition["value"])
    elif kind == "rfm":
        rfm = rfm_groups(session, shop_id)
        inner = select(rfm.c.member_id).where(rfm.c.segment == definition["value"])
    elif kind == "tier":
        inner = select(MemberTier.member_id).where(MemberTier.shop_id == shop_id,
                                                   MemberTier.tier_key == definition["value"])
    else:
        return _filtered(session, shop_id, definition)
    return select(Member.id.label("member_id")).where(*_present(shop_id), Member.id.in_(inner))


def _filtered(session: Session, shop_id: int, definition: dict[str, Any]) -> Select:
    stats = member_stats(session, shop_id)
    conditions: list[ColumnElement[bool]] = _present(shop_id)
    if "last_order_before" in definition:
        conditions.append(stats.c.last_at < _day(definition["last_order_before"]))
    if "last_order_after" in definition:
        conditions.append(stats.c.last_at >= _day(definition["last_order_after"]))
    if "min_orders" in definition:
        conditions.append(func.coalesce(stats.c.orders, 0) >= definition["min_orders"])
    if "min_spend" in definition:
        dialect = dialect_of(session)
        spend = func.coalesce(stats.c.revenue, number(0, dialect))
        conditions.append(spend >= number(Decimal(definition["min_spend"]), dialect))
    return (select(Member.id.label("member_id"))
            .outerjoin(stats, stats.c.member_id == Member.id).where(*conditions))


def _day(iso: str) -> datetime:
    return datetime.combine(date.fromisoformat(iso), time(), tzinfo=UTC)


def segment_counts(session: Session, shop_id: int, shares: tuple[Decimal, Decimal], locale: str) -> dict[str, Any]:
    """Members and revenue per A/B/C class, members per RFM group and per tier.

    A/B/C and RFM share one pass over the orders (a CTE) and come back as one small (class, group) table.
    """
    stats = member_stats(session, shop_id)
    abc = abc_classes(session, shop_id, *shares, stats=stats)
    rfm = rfm_groups(session, shop_id, stats=stats)
    # Classes are ranked over every member (as `segment_select` ranks them); redacted ones are not counted.
    cells = session.execute(
        select(abc.c.segment, rfm.c.segment, func.count(), func.sum(abc.c.revenue))
        .join_from(abc, rfm, rfm.c.member_id == abc.c.member_id)
        .join(Member, Member.id == abc.c.member_id)
        .where(*_present(shop_id))
        .group_by(abc.c.segment, rfm.c.segment)).all()
    abc_rows: dict[str, tuple[int, Decimal]] = {}
    rfm_rows: dict[str, int] = {}
    for abc_class, group, n, rev in cells:
        members, revenue_sum = abc_rows.get(str(abc_class), (0, Decimal("0")))
        abc_rows[str(abc_class)] = (members + int(n), revenue_sum + Decimal(str(rev or 0)))
        rfm_rows[str(group)] = rfm_rows.get(str(group), 0) + int(n)
    dialect = dialect_of(session)
    return {
        "abc": [{"key": k, "label": SEGMENT_LABELS[k][locale], "members": abc_rows.get(k, (0, 0))[0],
                 "revenue": to_money(abc_rows.get(k, (0, 0))[1], dialect)} for k in ABC],
        "rfm": [{"key": k, "label": SEGMENT_LABELS[k][locale], "members": int(rfm_rows.get(k, 0))}
                for k in RFM_GROUPS],
        "tiers": _tier_counts(session, shop_id, locale),
        "members_total": session.scalar(select(func.count()).select_from(Member).where(*_present(shop_id))) or 0,
    }


def _present(shop_id: int) -> list[ColumnElement[bool]]:
    """The shop's members who are not redacted: the only ones a segment lists, exports or counts."""
    return [Member.shop_id == shop_id, Member.redacted_at.is_(None)]


def _tier_counts(session: Session, shop_id: int, locale: str) -> list[dict[str, Any]]:
    """Members per tier, named in `locale`, in the programme's order (by threshold), empty tiers included;
    keys the programme no longer has (members not re-evaluated yet) come last, under their key."""
    counts = dict(session.execute(
        select(MemberTier.tier_key, func.count())
        .join(Member, Member.id == MemberTier.member_id)
        .where(MemberTier.shop_id == shop_id, MemberTier.tier_key.is_not(None), *_present(shop_id))
        .group_by(MemberTier.tier_key)).all())
    programme = session.execute(
        select(Tier.key, Tier.name, Tier.translations).where(Tier.shop_id == shop_id)
        .order_by(Tier.position, Tier.id)).all()
    rows = [{"key": key, "label": translated_label(name, (), translations_from_dict(translations), locale)[0],
             "members": int(counts.pop(key, 0))} for key, name, translations in programme]
    return rows + [{"key": str(k), "label": str(k), "members": int(n)} for k, n in sorted(counts.items())]


def segment_size(session: Session, shop_id: int, definition: dict[str, Any], shares: tuple[Decimal, Decimal]) -> int:
    """How many members a segment holds now."""
    inner = segment_select(session, shop_id, definition, shares).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def segment_members(
    session: Session, shop_id: int, definition: dict[str, Any], shares: tuple[Decimal, Decimal],
    *, limit: int | None = 100, after_id: int = 0,
) -> list[dict[str, Any]]:
    """Members of a segment by id (keyset pages: pass the last id seen), with their order figures.

    The page's ids are chosen first, so the order figures are summed for those members only.
    """
    dialect = dialect_of(session)
    chosen = segment_select(session, shop_id, definition, shares)
    chosen = chosen.where(chosen.selected_columns.member_id > after_id).order_by(chosen.selected_columns.member_id)
    ids = (chosen if limit is None else chosen.limit(limit)).cte()
    stats = member_stats(session, shop_id, only=select(ids.c.member_id))
    query = (
        select(Member, stats.c.orders, stats.c.revenue, stats.c.last_at)
        .join(ids, ids.c.member_id == Member.id)
        .outerjoin(stats, stats.c.member_id == Member.id)
        .where(Member.shop_id == shop_id)
        .order_by(Member.id)
    )
    return [
        {"id": mb.id, "email": mb.email, "name": mb.display_name, "balance": mb.balance,
         "orders": int(n or 0), "revenue": to_money(rev, dialect), "last_order_at": last.isoformat() if last else None}
        for mb, n, rev, last in session.execute(query)
    ]
