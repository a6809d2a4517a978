"""Read side of the storefront widget: the shopper's whole picture in a few indexed queries, and its ETag.

Query design (storefront traffic is 30–70 page views per order, so the conditional path must be cheap):
1. `shopper_row`: the member by the unique (shop_id, customer_ref) key, LEFT JOIN its referral code by the
   unique (shop_id, member_id) key — one row.
2. the config version: scalar subqueries over the shop's settings rows (primary keys) and the newest
   reward/tier change (indexed by shop_id).
`shopper_state` runs both as ONE plain-SQL statement (no expression building or cache-key work per request);
the ETag hashes it, so a matching If-None-Match is answered 304 after that one query. Only a
changed picture pays for the body: rewards, tier status, the last 20 ledger rows (index shop_id, member_id,
id), and lots expiring soon.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Row, TextClause, func, select, text
from sqlalchemy.orm import Session

from app.domain.rewards import format_money
from app.i18n import catalogue, translate
from app.models import (
    EarningSettings,
    EmailSettings,
    LedgerEntry,
    Member,
    Order,
    PointLot,
    ProgramSettings,
    ReferralCode,
    ReferralSettings,
    Reward,
    Shop,
    Tier,
    TierProgramRow,
)

HISTORY_SIZE = 20
EXPIRING_WITHIN = timedelta(days=30)
ORDER_REASONS = ("order_paid", "order_refunded", "order_cancelled")


def shopper_row(session: Session, shop_id: int, customer_ref: str) -> Row[Any] | None:
    """(member, referral code) of a logged-in shopper; None when the shop has no member for them yet."""
    return session.execute(
        select(Member, ReferralCode.code)
        .outerjoin(ReferralCode, (ReferralCode.shop_id == Member.shop_id) & (ReferralCode.member_id == Member.id))
        .where(Member.shop_id == shop_id, Member.customer_ref == customer_ref)
    ).first()


class ShopperState(NamedTuple):
    """What a conditional request needs: the member's shown fields, their referral code and the config version."""

    member_id: int | None
    locale: str | None
    code: str | None
    fingerprint: tuple[Any, ...]  # the member's shown scalar fields (balance, pending, updated_at, ...)
    version: str


def _state_sql() -> tuple[TextClause, TextClause]:
    """Plain SQL (nothing to build or cache-key per request): member + code + version subqueries in one row."""
    versions = ", ".join(
        f"(SELECT {agg} FROM {model.__table__.name} WHERE shop_id = :shop_id)"  # type: ignore[attr-defined]
        for model, agg in (
            (ProgramSettings, "max(updated_at)"), (EarningSettings, "max(updated_at)"),
            (ReferralSettings, "max(updated_at)"), (EmailSettings, "max(updated_at)"),
            (TierProgramRow, "max(updated_at)"), (Reward, "max(updated_at)"), (Reward, "count(id)"),
            (Tier, "count(id)"),
        )
    )
    member = (
        f"SELECT m.id, m.locale, rc.code, m.balance, m.pending, m.updated_at, m.birthday, m.first_name, "
        f"m.accepts_marketing, {versions} FROM {Member.__table__.name} m "
        f"LEFT JOIN {ReferralCode.__table__.name} rc ON rc.shop_id = m.shop_id AND rc.member_id = m.id "
        "WHERE m.shop_id = :shop_id AND m.customer_ref = :customer_ref"
    )
    return text(member), text(f"SELECT {versions}")


_MEMBER_STATE, _SHOP_VERSION = _state_sql()
_FINGERPRINT = slice(3, 9)


def shopper_state(session: Session, shop_id: int, customer_ref: str | None) -> ShopperState:
    """The ETag's inputs in ONE statement: the member (unique shop_id, customer_ref) LEFT JOIN its referral code,
    with the shop's config version as scalar-subquery columns; a guest (or a shopper with no member row yet)
    gets only the version."""
    if customer_ref:
        row = session.execute(_MEMBER_STATE, {"shop_id": shop_id, "customer_ref": customer_ref}).first()
        if row is not None:
            return ShopperState(row[0], row[1], row[2], tuple(row[_FINGERPRINT]), _joined(row[9:]))
    return ShopperState(None, None, None, (), _joined(session.execute(_SHOP_VERSION, {"shop_id": shop_id}).one()))


def _joined(values: Any) -> str:
    return "|".join(str(value) for value in values)


def etag_of(shop: Shop, state: ShopperState, base_url: str, locale: str, day: str) -> str:
    """A strong validator of the customer JSON; `day` makes "expiring soon" and tier periods roll over."""
    parts = [str(shop.id), shop.name, shop.currency, shop.locale, state.version, base_url, locale, day]
    if state.member_id is not None:
        parts += [str(state.member_id), state.code or "", *(str(value) for value in state.fingerprint)]
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def history(session: Session, shop_id: int, member_id: int, locale: str) -> list[dict[str, Any]]:
    """The last 20 ledger entries with readable reasons (order names joined in the same query)."""
    rows = session.execute(
        select(LedgerEntry.occurred_at, LedgerEntry.delta, LedgerEntry.kind, LedgerEntry.reason, Order.name)
        .outerjoin(Order, Order.id == LedgerEntry.order_id)
        .where(LedgerEntry.shop_id == shop_id, LedgerEntry.member_id == member_id)
        .order_by(LedgerEntry.id.desc())
        .limit(HISTORY_SIZE)
    ).all()
    return [
        {"at": _iso(at), "delta": delta, "label": entry_label(kind, reason, name, locale)}
        for at, delta, kind, reason, name in rows
    ]


def entry_label(kind: str, reason: str, order_name: str | None, locale: str) -> str:
    """What a ledger row means to a shopper ("Bestellung #1042", "Geburtstag", ...)."""
    if reason in ORDER_REASONS:
        return translate(f"ledger.{reason}", locale, name=order_name or "")
    texts = catalogue()
    for key in (f"storefront.history.{kind}.{reason}", f"storefront.history.{kind}"):
        if key in texts:
            return translate(key, locale)
    return translate("storefront.history.other", locale)


def expiring(session: Session, shop_id: int, member_id: int, now: datetime) -> list[dict[str, Any]]:
    """Points that expire within 30 days, per expiry date."""
    rows = session.execute(
        select(PointLot.expires_at, func.sum(PointLot.remaining))
        .where(
            PointLot.shop_id == shop_id,
            PointLot.member_id == member_id,
            PointLot.remaining > 0,
            PointLot.expires_at.is_not(None),
            PointLot.expires_at <= now + EXPIRING_WITHIN,
        )
        .group_by(PointLot.expires_at)
        .order_by(PointLot.expires_at)
    ).all()
    return [{"points": int(points), "expires_at": _iso(at)} for at, points in rows if points]


def points_label(settings: ProgramSettings, locale: str, currency: str) -> str:
    """ "1 Punkt pro 1 €" / "1 point per €1.00" from the shop's earning rate."""
    per = settings.points_per_unit
    if per >= 1:
        points, amount = per.normalize(), Decimal("1")
    else:
        points, amount = Decimal("1"), (Decimal("1") / per).quantize(Decimal("0.01"))
    key = "storefront.points_per_amount_one" if points == 1 else "storefront.points_per_amount"
    return translate(key, locale, points=f"{points:f}", amount=format_money(amount, locale, currency))


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at else None
