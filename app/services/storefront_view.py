"""The widget's JSON (widget contract): shop, member, tier, program, rewards, expiring points and history."""

from __future__ import annotations

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
from app.services.referrals import ReferralConfig, referral_config
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


def build_view(
    reader: Reader,
    uow_factory: Callable[[], UnitOfWork],
    sf: Storefront,
    state: q.ShopperState,
    locale: str,
    now: datetime,
    cache: ProgramCache,
) -> dict[str, Any]:
    """Everything the widget shows, in `locale`: the member from `state`, shop-wide parts from `cache`."""
    shop = sf.shop
    key = (shop.id, shop.currency, state.version, locale, sf.signup_url, sf.login_url)
    parts = cache.get(key, lambda: _shop_parts(uow_factory, sf, locale))
    member_id = state.member_id
    if member_id is None:
        return _body(sf, None, None, parts, [], [])
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
    expiring, history = q.activity(reader, shop.id, member_id, locale, now)
    return _body(sf, member, tier, parts, expiring, history, spendable)


def _body(
    sf: Storefront,
    member: dict[str, Any] | None,
    tier: dict[str, Any] | None,
    parts: ShopParts,
    expiring: list[dict[str, Any]],
    history: list[dict[str, Any]],
    spendable: int | None = None,
) -> dict[str, Any]:
    shop = sf.shop
    return {
        "shop": {"name": shop.name, "currency": shop.currency, "locale": shop.locale},
        "member": member,
        "tier": tier,
        "program": parts.program,
        "rewards": [
            {**reward, "affordable": spendable is not None and spendable >= reward["points_cost"]}
            for reward in parts.rewards
        ],
        "expiring": expiring,
        "history": history,
    }


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
        return ShopParts(referral.enabled, program, active_rewards(session, shop, None, locale), tiers)


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
    label = q.points_label(settings, locale, sf.shop.currency)
    ways: list[dict[str, Any]] = [{"key": "order", "label": label}]
    for key, points in (
        ("signup", earning.signup_points),
        ("newsletter", earning.newsletter_points),
        ("birthday", earning.birthday_points),
        ("review", _review_points(session, sf.shop.id)),
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
    }


def _review_points(session: Session, shop_id: int) -> int:
    from app.services.email_settings import get_config

    return int(get_config(session, shop_id).review_points)
