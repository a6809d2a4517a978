"""Read side of the storefront widget: the shopper's whole picture in one indexed statement, and its ETag.

Query design (storefront traffic is 30–70 page views per order, so every read must be cheap):
`shopper_state` is ONE prebuilt plain-SQL statement run on a kept autocommit connection (`app.db_reads`):
the shop's row by primary key (it validates the per-process copy of the shop), LEFT JOIN the member by the
unique (shop_id, customer_ref) key, its referral code and tier, the newest ledger id of the member, and the
shop's config version as scalar subqueries over its settings rows (primary keys) and the newest reward/tier
change (indexed by shop_id). The ETag hashes it, so a matching If-None-Match is answered 304 after that one
query. A plain read (no If-None-Match: it will send the body) runs `shopper_read` instead: the same row, with
the body's member parts (the last 20 ledger rows, index shop_id, member_id, id, and lots expiring soon) as
further rows of the same statement, so it is one round trip too. The member's usable coupons ("My rewards": the
newest 50 active or still being created, index shop_id, member_id, id) are such rows as well, and the newest
`updated_at` of their coupons and the next end of a listed one are in the state row, so a code that becomes usable,
is used or runs out changes the ETag without a ledger entry. The shop-wide parts come from a per-process cache
keyed by the config version.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Boolean, Date, Row, select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from app.clock import iso_z
from app.db_reads import Reader, ReadStatement
from app.db_reads import Row as ReadRow
from app.domain.rewards import format_money
from app.domain.shops import normalise_shop_ref
from app.i18n import catalogue, template, translate
from app.models import (
    EarningSettings,
    EmailSettings,
    Member,
    ProgramSettings,
    ReferralCode,
    ReferralSettings,
    Reward,
    Tier,
    TierProgramRow,
)
from app.models.types import UTCDateTime
from app.repositories.base import row_id
from app.storefront_coupons import coupon_shown

HISTORY_SIZE = 20
COUPONS_SIZE = 50  # a shopper rarely holds more; the widget lists them all
LISTED_COUPONS = ("active", "reserved", "pending_push")  # usable, or the shopper waits for it
_LISTED_SQL = ", ".join(f"'{status}'" for status in LISTED_COUPONS)
EXPIRING_WITHIN = timedelta(days=30)
ORDER_REASONS = ("order_paid", "order_refunded", "order_cancelled")
COUPON_KINDS = ("redeem", "redeem_refund")  # ledger rows of a coupon (source_type "coupon"): named after it


def shopper_row(session: Session, shop_id: int, customer_ref: str) -> Row[Any] | None:
    """(member, referral code) of a logged-in shopper; None when the shop has no member for them yet."""
    return session.execute(
        select(Member, ReferralCode.code)
        .outerjoin(ReferralCode, (ReferralCode.shop_id == Member.shop_id) & (ReferralCode.member_id == Member.id))
        .where(Member.shop_id == shop_id, Member.customer_ref == customer_ref)
    ).first()


SHOP_COLUMNS = "s.platform, s.domain, s.name, s.currency, s.locale, s.status, s.webhook_secret_enc"
_SHOP_BY_ID = ReadStatement(f"SELECT s.id, {SHOP_COLUMNS} FROM shops s WHERE s.id = :ref")
_SHOP_BY_DOMAIN = ReadStatement(f"SELECT s.id, {SHOP_COLUMNS} FROM shops s WHERE s.domain = :ref ORDER BY s.id LIMIT 1")


def shop_by_ref(reader: Reader, ref: str) -> ReadRow | None:
    """(id, platform, domain, name, currency, locale, status, webhook_secret_enc) of a shop by id or domain/URL."""
    if ref.isdigit():
        number = row_id(ref)
        return None if number is None else reader.first(_SHOP_BY_ID, {"ref": number})
    try:
        domain = normalise_shop_ref(ref)
    except ValueError:
        return None
    return reader.first(_SHOP_BY_DOMAIN, {"ref": domain})


# part (0 history, 1 expiring, 2 coupon), entry id, at, points, kind, reason, name (order name / coupon code), then
# a coupon's value, minimum order, source, title, and its reward's names (de, en); NULL where a part has none.
ActivityRow = tuple[Any, ...]


class ShopperState(NamedTuple):
    """What a conditional request needs: the shop as stored, the member's shown fields, their referral code,
    what else changes the picture (newest ledger entry, tier) and the shop's config version."""

    shop: tuple[Any, ...]  # SHOP_COLUMNS as stored now: validates a cached copy of the shop
    member_id: int | None
    locale: str | None
    code: str | None
    shown: tuple[Any, ...]  # first_name, balance, pending, birthday, accepts_marketing
    # shown + updated_at, last_order_at, tier key, newest ledger entry id, newest change of a coupon of theirs and
    # the next end of one they are shown
    fingerprint: tuple[Any, ...]
    version: str
    activity: list[ActivityRow] | None = None  # the member's activity rows when read with the state (shopper_read)


def _state_sql(activity_columns: str = "") -> str:
    """Plain SQL: the shop's row, LEFT JOIN the member (unique shop_id, customer_ref), its referral code and
    tier, with the newest ledger id and coupon change (indexes shop_id, member_id, id) and the config version as
    scalar subqueries."""
    versions = ", ".join(
        f"(SELECT {agg} FROM {model.__table__.name} WHERE shop_id = :shop_id)"  # type: ignore[attr-defined]
        for model, agg in (
            (ProgramSettings, "max(updated_at)"), (EarningSettings, "max(updated_at)"),
            (ReferralSettings, "max(updated_at)"), (EmailSettings, "max(updated_at)"),
            (TierProgramRow, "max(updated_at)"), (Reward, "max(updated_at)"), (Reward, "count(id)"),
            (Tier, "count(id)"),
        )
    )
    return (
        f"SELECT {SHOP_COLUMNS}, m.id, m.locale, rc.code, "
        "m.first_name, m.balance, m.pending, m.birthday, m.accepts_marketing, "
        "m.updated_at, m.last_order_at, mt.tier_key, "
        "(SELECT max(le.id) FROM ledger_entries le WHERE le.shop_id = :shop_id AND le.member_id = m.id), "
        "(SELECT max(cp.updated_at) FROM coupons cp WHERE cp.shop_id = :shop_id AND cp.member_id = m.id), "
        # The next end of a listed code: once it passes, the list (and so the ETag) changes with no write.
        "(SELECT min(ce.ends_at) FROM coupons ce WHERE ce.shop_id = :shop_id AND ce.member_id = m.id "
        f"AND ce.status IN ({_LISTED_SQL}) AND ce.ends_at > :now), "
        f"{versions}{activity_columns} FROM shops s "
        "LEFT JOIN members m ON m.shop_id = s.id AND m.customer_ref = :customer_ref "
        "LEFT JOIN referral_codes rc ON rc.shop_id = m.shop_id AND rc.member_id = m.id "
        "LEFT JOIN member_tiers mt ON mt.member_id = m.id AND mt.shop_id = m.shop_id "
        "WHERE s.id = :shop_id"
    )


# The coupon columns of the other rows. PostgreSQL types a union of untyped NULLs as text, which would not
# match the coupon's numeric value further down: those are typed.
_NO_COUPON = ", CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), NULL, NULL, NULL, NULL"


def _activity_sql(member: str, state_columns: str = "") -> str:
    """The last 20 ledger rows (part 0, newest first; index shop_id, member_id, id) with their order's or coupon's
    name, the points expiring within 30 days per date (part 1) and the newest 50 coupons the shopper can use or
    waits for (part 2; same index; a code only once the shop has it) of the member `member` (an SQL expression);
    `state_columns` go first in each row (NULLs, beside the state row)."""
    return (
        f"SELECT {state_columns}history.*{_NO_COUPON} FROM (SELECT 0 AS part, le.id AS entry_id, "
        "le.occurred_at AS at, le.delta AS points, le.kind, le.reason, COALESCE(o.name, hc.title) AS name "
        "FROM ledger_entries le LEFT JOIN orders o ON o.id = le.order_id AND o.shop_id = le.shop_id "
        "LEFT JOIN coupons hc ON le.source_type = 'coupon' AND hc.shop_id = le.shop_id "
        "AND hc.member_id = le.member_id AND CAST(hc.id AS VARCHAR(64)) = le.source_ref "
        f"WHERE le.shop_id = :shop_id AND le.member_id = {member} ORDER BY le.id DESC LIMIT {HISTORY_SIZE}) history "
        f"UNION ALL SELECT {state_columns}1, 0, expires_at, sum(remaining), NULL, NULL, NULL{_NO_COUPON} "
        f"FROM point_lots WHERE shop_id = :shop_id AND member_id = {member} AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :until GROUP BY expires_at "
        f"UNION ALL SELECT {state_columns}2, mine.id, mine.ends_at, NULL, mine.kind, mine.status, mine.code, "
        "mine.value, mine.minimum_order, mine.source, mine.title, mine.name_de, mine.name_en FROM (SELECT c.id, "
        "c.ends_at, c.kind, c.status, CASE WHEN c.status = 'active' THEN c.code END AS code, c.value, "
        "c.minimum_order, c.source, c.title, r.name_de, r.name_en FROM coupons c "
        "LEFT JOIN rewards r ON r.id = c.reward_id AND r.shop_id = c.shop_id "
        f"WHERE c.shop_id = :shop_id AND c.member_id = {member} AND c.status IN ({_LISTED_SQL}) "
        f"AND (c.ends_at IS NULL OR c.ends_at > :now) ORDER BY c.id DESC LIMIT {COUPONS_SIZE}) mine"
    )


STATE_WIDTH = 29  # columns of the state row; a plain read's activity columns follow them
_SHOP, _MEMBER, _SHOWN, _FINGERPRINT, _VERSION = slice(0, 7), 7, slice(10, 15), slice(10, 21), slice(21, STATE_WIDTH)
_ACTIVITY_TYPES: dict[int, TypeEngine[Any]] = {2: UTCDateTime()}  # money comes as text on SQLite: see `_money`
_PARAMS: dict[str, TypeEngine[Any]] = {"until": UTCDateTime(), "now": UTCDateTime()}
_STATE = ReadStatement(_state_sql(), columns={13: Date(), 14: Boolean()}, params={"now": UTCDateTime()})
_ACTIVITY = ReadStatement(
    f"{_activity_sql(':member_id')} ORDER BY 1, 2 DESC, 3", columns=_ACTIVITY_TYPES, params=_PARAMS
)
# A plain read: the state row (part -1, activity columns NULL) and the member's activity rows (state columns
# NULL) in one statement, one round trip. The activity finds the member by the unique key the state joins on.
_READ = ReadStatement(
    _state_sql(", -1, NULL, NULL, NULL, NULL, NULL, NULL" + _NO_COUPON)
    + " UNION ALL "
    + _activity_sql(
        "(SELECT mm.id FROM members mm WHERE mm.shop_id = :shop_id AND mm.customer_ref = :customer_ref)",
        "NULL, " * STATE_WIDTH,
    )
    + f" ORDER BY {STATE_WIDTH + 1}, {STATE_WIDTH + 2} DESC, {STATE_WIDTH + 3}",
    columns={13: Date(), 14: Boolean(), **{STATE_WIDTH + index: type_ for index, type_ in _ACTIVITY_TYPES.items()}},
    params=_PARAMS,
)


def shopper_state(reader: Reader, shop_id: int, customer_ref: str | None, now: datetime) -> ShopperState | None:
    """The ETag's inputs in ONE statement (guests, and shoppers without a member row yet, get the shop's part
    only); None when the shop is gone."""
    row = reader.first(_STATE, {"shop_id": shop_id, "customer_ref": customer_ref or None, "now": now})
    return None if row is None else _state_of(row, None)


def shopper_read(reader: Reader, shop_id: int, customer_ref: str | None, now: datetime) -> ShopperState | None:
    """`shopper_state` with the member's activity rows, in the same one statement: for a read that sends the body."""
    params = {"shop_id": shop_id, "customer_ref": customer_ref or None, "until": now + EXPIRING_WITHIN, "now": now}
    rows = reader.rows(_READ, params)
    if not rows or rows[0][STATE_WIDTH] != -1:
        return None
    return _state_of(rows[0], [row[STATE_WIDTH:] for row in rows[1:]])


def _state_of(row: ReadRow, activity: list[ActivityRow] | None) -> ShopperState:
    version = "|".join(str(value) for value in row[_VERSION])
    if row[_MEMBER] is None:
        return ShopperState(row[_SHOP], None, None, None, (), (), version, activity)
    return ShopperState(row[_SHOP], row[_MEMBER], row[8], row[9], row[_SHOWN], row[_FINGERPRINT], version, activity)


def etag_of(shop_id: int, state: ShopperState, base_url: str, locale: str, day: str) -> str:
    """A strong validator of the customer JSON; `day` makes "expiring soon" and tier periods roll over."""
    parts = [str(shop_id), *(str(value) for value in state.shop[:5]), state.version, base_url, locale, day]
    if state.member_id is not None:
        parts += [str(state.member_id), state.code or "", *(str(value) for value in state.fingerprint)]
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def activity_rows(reader: Reader, shop_id: int, member_id: int, now: datetime) -> list[ActivityRow]:
    """The member's activity rows (when the state was read without them: a conditional read that changed)."""
    params = {"shop_id": shop_id, "member_id": member_id, "until": now + EXPIRING_WITHIN, "now": now}
    return reader.rows(_ACTIVITY, params)


class Activity(NamedTuple):
    """The member's own lists in the widget."""

    expiring: list[dict[str, Any]]  # points expiring within 30 days per expiry date
    history: list[dict[str, Any]]  # the last 20 ledger entries, newest first by when they happened
    coupons: list[dict[str, Any]]  # the codes they can use or wait for, the soonest to end first


def activity(rows: list[ActivityRow], locale: str, currency: str) -> Activity:
    """The activity rows as the widget shows them: ledger entries with readable reasons (an imported or late
    order's entry stands at its own date), and coupons labelled in `locale`, the soonest to end first (the one
    to use before it is lost at the top; codes without an end last, newest first among equals)."""
    expiring, entries, coupon_rows = [], [], []
    for part, entry_id, at, points, kind, reason, name, *coupon in rows:
        if part == 0:
            entries.append((at, entry_id, {"at": iso_z(at), "delta": points,
                                           "label": entry_label(kind, reason, name, locale)}))
        elif part == 2:
            coupon_rows.append((entry_id, at, kind, reason, name, coupon))
        elif points:
            expiring.append({"points": int(points), "expires_at": iso_z(at)})
    entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    coupon_rows.sort(key=lambda row: (row[1] is None, row[1].timestamp() if row[1] else 0.0, -row[0]))
    coupons = [coupon_shown(*row, locale, currency) for row in coupon_rows]
    return Activity(expiring, [shown for _, _, shown in entries], coupons)


def entry_label(kind: str, reason: str, name: str | None, locale: str) -> str:
    """What a ledger row means to a shopper ("Bestellung #1042", "Prämie eingelöst: 5,00 € Rabatt", "Geburtstag");
    `name` is its order's name, or the coupon's a redemption made (or gave its points back for)."""
    if reason in ORDER_REASONS:
        return _label(kind, reason, locale).format(name=name or "")
    if kind in COUPON_KINDS and name:
        return f"{_label(kind, reason, locale)}: {name}"
    return _label(kind, reason, locale)


@lru_cache(maxsize=1024)  # up to 20 labels per read, from a handful of (kind, reason) pairs per shop
def _label(kind: str, reason: str, locale: str) -> str:
    """The label of a ledger row's kind and reason; for order reasons the template its order's name goes into."""
    if reason in ORDER_REASONS:
        return template(f"ledger.{reason}", locale)
    texts = catalogue()
    for key in (f"storefront.history.{kind}.{reason}", f"storefront.history.{kind}"):
        if key in texts:
            return translate(key, locale)
    return translate("storefront.history.other", locale)


def points_label(settings: ProgramSettings, locale: str, currency: str) -> str:
    """ "1 Punkt pro 1 €" / "1 point per €1.00" from the shop's earning rate."""
    per = settings.points_per_unit
    if per >= 1:
        points, amount = per.normalize(), Decimal("1")
    else:
        points, amount = Decimal("1"), (Decimal("1") / per).quantize(Decimal("0.01"))
    key = "storefront.points_per_amount_one" if points == 1 else "storefront.points_per_amount"
    return translate(key, locale, points=f"{points:f}", amount=format_money(amount, locale, currency))
