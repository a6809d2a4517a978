"""The widget's JSON (widget contract): shop, member, tier, program, rewards, own coupons, expiring points, history."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.orm import Session

from app import queries_storefront as q
from app.db_reads import Reader
from app.domain.errors import InvalidSignature
from app.domain.rewards import coupon_label
from app.domain.tiers import TierProgram, tier_label
from app.i18n import translate
from app.repositories import ShopRepository
from app.services import earning_events
from app.services.email_settings import get_config
from app.services.referrals import ReferralConfig, referral_config
from app.services.referrals.settings import friend_coupon_text
from app.services.rewards import active_rewards
from app.services.tier_values import load_program
from app.services.tiers import tier_status
from app.uow import UnitOfWork

if TYPE_CHECKING:
    from app.services.storefront import Storefront


class ShopParts(NamedTuple):
    """What every shopper of a shop sees alike (in one locale): built on a cache miss, then only read."""

    referral_on: bool
    program: dict[str, Any]  # the "program" block
    rewards: list[dict[str, Any]]  # the active catalogue; "affordable" is the shopper's, added per request
    tiers: TierProgram | None
    program_json: bytes  # `program` as the body's bytes
    rewards_json: tuple[tuple[bytes, bytes], ...]  # each reward's bytes, not affordable and affordable


class MemberParts(NamedTuple):
    """What only this shopper sees: None/empty for a guest."""

    member: dict[str, Any] | None
    tier: dict[str, Any] | None
    expiring: list[dict[str, Any]]
    history: list[dict[str, Any]]
    coupons: list[dict[str, Any]]  # "My rewards": their codes to use, and those still being made
    spendable: int | None


class ProgramCache:
    """Per-shop widget parts only an admin save changes (program, ways to earn, rewards, tiers, referral switch).

    Keyed by the shop's config version (the settings/rewards/tiers stamps the ETag query reads in the same
    statement), so a save is seen by the very next request; one per process (the container's ports). The
    values are shared: callers must not change them.
    """

    MAX_ITEMS = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[Any, ...], ShopParts] = {}

    def get(self, key: tuple[Any, ...], build: Callable[[], ShopParts]) -> ShopParts:
        """The cached value of `key`, built (outside the lock) on a miss."""
        hit = self._items.get(key)
        if hit is None:
            hit = build()
            with self._lock:
                if len(self._items) >= self.MAX_ITEMS:
                    self._items.clear()  # stale versions are never asked for again
                self._items[key] = hit
        return hit


class _TierMember(NamedTuple):
    id: int
    shop_id: int
    locale: str | None


class PictureSources(NamedTuple):
    """Where a shopper's picture is read from: the kept-connection reader, units of work (for what the picture
    reads through the ORM), and the shop-wide parts built once per shop version."""

    reader: Reader
    uow_factory: Callable[[], UnitOfWork]
    program: ProgramCache


def build_view(
    sources: PictureSources, sf: Storefront, state: q.ShopperState, locale: str, now: datetime
) -> dict[str, Any]:
    """Everything the widget shows, in `locale`: the member from `state`, shop-wide parts from `sources.program`."""
    parts = _cached_parts(sources, sf, state, locale)
    mine = _member_parts(sources, sf, state, locale, now, parts)
    return {
        "shop": _shop_block(sf),
        "member": mine.member,
        "tier": mine.tier,
        "program": parts.program,
        "rewards": [{**reward, "affordable": _affords(mine, reward)} for reward in parts.rewards],
        "coupons": mine.coupons,
        "expiring": mine.expiring,
        "history": mine.history,
    }


def view_json(
    sources: PictureSources, sf: Storefront, state: q.ShopperState, locale: str, now: datetime
) -> bytes:
    """`build_view` as the body's bytes: compact JSON with sorted keys, as Flask's `jsonify` writes it.

    The shop-wide blocks are serialised once per shop version and locale (`ShopParts`) and put in place as
    bytes; only the shopper's own parts are serialised per request."""
    parts = _cached_parts(sources, sf, state, locale)
    mine = _member_parts(sources, sf, state, locale, now, parts)
    affords = (_affords(mine, reward) for reward in parts.rewards)
    rewards = b",".join(pair[can] for pair, can in zip(parts.rewards_json, affords, strict=True))
    return b"".join(
        (
            b'{"coupons":', dumps(mine.coupons), b',"expiring":', dumps(mine.expiring),
            b',"history":', dumps(mine.history), b',"member":', dumps(mine.member), b',"program":', parts.program_json,
            b',"rewards":[', rewards, b'],"shop":', dumps(_shop_block(sf)), b',"tier":', dumps(mine.tier), b"}\n",
        )
    )


def dumps(value: Any) -> bytes:
    """JSON as `jsonify` writes it (sorted keys, no spaces, ASCII only)."""
    return _ENCODER.encode(value).encode()


_ENCODER = json.JSONEncoder(ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def _cached_parts(sources: PictureSources, sf: Storefront, state: q.ShopperState, locale: str) -> ShopParts:
    shop = sf.shop
    key = (shop.id, shop.currency, state.version, locale, sf.signup_url, sf.login_url)
    return sources.program.get(key, lambda: _shop_parts(sources.uow_factory, sf, locale))


def _member_parts(
    sources: PictureSources, sf: Storefront, state: q.ShopperState, locale: str, now: datetime, parts: ShopParts
) -> MemberParts:
    reader, uow_factory = sources.reader, sources.uow_factory
    member_id = state.member_id
    if member_id is None:
        return MemberParts(None, None, [], [], [], None)
    shop = sf.shop
    first_name, balance, pending, birthday, newsletter = state.shown
    spendable = max(0, balance - pending)
    code = state.code if parts.referral_on else None
    member = {
        "first_name": first_name,
        "balance": balance,
        "pending": pending,
        "spendable": spendable,
        "referral_code": code,
        "referral_url": f"{sf.base_url}/r/{code}" if code else None,
        "birthday": birthday.isoformat() if birthday else None,
        "newsletter": bool(newsletter),
    }
    tier = _tier(uow_factory, sf, _TierMember(member_id, shop.id, state.locale), parts.tiers, locale, now)
    rows = state.activity if state.activity is not None else q.activity_rows(reader, shop.id, member_id, now)
    mine = q.activity(rows, locale, shop.currency)
    return MemberParts(member, tier, mine.expiring, mine.history, mine.coupons, spendable)


def _affords(mine: MemberParts, reward: dict[str, Any]) -> bool:
    return mine.spendable is not None and mine.spendable >= reward["points_cost"]


def _shop_block(sf: Storefront) -> dict[str, Any]:
    shop = sf.shop
    return {"name": shop.name, "currency": shop.currency, "locale": shop.locale}


def _shop_parts(uow_factory: Callable[[], UnitOfWork], sf: Storefront, locale: str) -> ShopParts:
    """What every shopper of the shop sees alike, read in one transaction."""
    with uow_factory() as uow:
        session = uow.session
        shop = ShopRepository(session).get(sf.shop.id)
        if shop is None:
            raise InvalidSignature("unknown shop")
        referral = referral_config(session, shop.id)
        tiers = load_program(session, shop.id)
        program = _program(session, sf, locale, referral, tiers)
        rewards = active_rewards(session, shop, None, locale)
        rewards_json = tuple(
            (dumps({**reward, "affordable": False}), dumps({**reward, "affordable": True})) for reward in rewards
        )
        return ShopParts(referral.enabled, program, rewards, tiers, dumps(program), rewards_json)


def _tier(
    uow_factory: Callable[[], UnitOfWork],
    sf: Storefront,
    member: _TierMember,
    program: TierProgram | None,
    locale: str,
    now: datetime,
) -> dict[str, Any] | None:
    if program is None or not program.tiers:
        return None
    with uow_factory() as uow:
        status = tier_status(uow.session, sf.shop, member, now, locale, program=program)
    if status is None:
        return None
    keys = ("current", "next", "progress", "remaining", "label")
    return {key: status.get(key) for key in keys}


def _program(
    session: Session, sf: Storefront, locale: str, referral: ReferralConfig, program: TierProgram | None
) -> dict[str, Any]:
    settings = ShopRepository(session).settings(sf.shop.id)
    earning = earning_events.config(session, sf.shop.id)
    emails = get_config(session, sf.shop.id)
    label = q.points_label(settings, locale, sf.shop.currency)
    ways: list[dict[str, Any]] = [{"key": "order", "label": label}]
    for key, points in (
        ("signup", earning.signup_points),
        ("newsletter", earning.newsletter_points),
        ("birthday", earning.birthday_points),
        ("review", emails.review_points),
        ("referral", referral.referrer_points_due if referral.enabled else 0),
    ):
        if points > 0:
            ways.append({"key": key, "label": translate(f"storefront.earn.{key}", locale), "points": points})
    if referral.enabled and referral.rewards_referrer_with_coupon:
        reward = coupon_label(referral.referrer_coupon_kind, referral.referrer_coupon_value, locale, sf.shop.currency)
        ways.append({"key": "referral", "label": translate("storefront.earn.referral", locale), "reward": reward})
    return {
        "points_label": label,
        "point_value": {"points": settings.point_value_points, "amount": str(settings.point_value_amount)},
        "ways_to_earn": ways,
        "tiers": [{"key": t.key, "name": tier_label(t, locale)[0], "threshold": str(t.threshold)}
                  for t in program.tiers]
        if program
        else [],
        "signup_url": sf.signup_url,
        "login_url": sf.login_url,
        "german_address": emails.german_address,  # how the widget's German speaks to the shopper: du | sie
        # what a referred friend gets after their first order (the referral card says it); None: nothing
        "referral_friend_reward": friend_coupon_text(referral, locale, sf.shop.currency),
    }
