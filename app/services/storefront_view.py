"""The widget's JSON (widget contract): shop, member, tier, program, rewards, expiring points and history."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app import queries_storefront as q
from app.i18n import translate
from app.models import Member
from app.repositories import ShopRepository
from app.services import earning_events
from app.services.referrals import referral_config
from app.services.rewards import active_rewards
from app.services.tier_values import load_program
from app.services.tiers import tier_status

if TYPE_CHECKING:
    from app.services.storefront import Storefront


class ProgramCache:
    """Per-shop widget parts only an admin save changes (program, ways to earn, tiers, referral switch).

    Keyed by the shop's config version (the settings/rewards/tiers stamps the ETag query reads in the same
    statement), so a save is seen by the very next request; one per process (the container's ports).
    """

    MAX_ITEMS = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[Any, ...], tuple[bool, dict[str, Any]]] = {}

    def get(
        self, key: tuple[Any, ...], build: Callable[[], tuple[bool, dict[str, Any]]]
    ) -> tuple[bool, dict[str, Any]]:
        """The cached value of `key`, built (outside the lock) on a miss; callers get their own copy."""
        with self._lock:
            hit = self._items.get(key)
        if hit is None:
            hit = build()
            with self._lock:
                if len(self._items) >= self.MAX_ITEMS:
                    self._items.clear()  # stale versions are never asked for again
                self._items[key] = hit
        return hit[0], copy.deepcopy(hit[1])


def build_view(
    session: Session,
    sf: Storefront,
    member: Member | None,
    code: str | None,
    locale: str,
    now: datetime,
    version: str | None = None,
    cache: ProgramCache | None = None,
) -> dict[str, Any]:
    """Everything the widget shows, in `locale` (shop-wide parts from `cache` when the `version` is known)."""
    shop = sf.shop
    if cache is not None and version is not None:
        key = (shop.id, shop.currency, version, locale, sf.signup_url, sf.login_url)
        referral_on, program = cache.get(key, lambda: _shop_parts(session, sf, locale))
    else:
        referral_on, program = _shop_parts(session, sf, locale)
    return {
        "shop": {"name": shop.name, "currency": shop.currency, "locale": shop.locale},
        "member": _member(member, code if referral_on else None, sf) if member else None,
        "tier": _tier(session, sf, member, locale, now) if member else None,
        "program": program,
        "rewards": active_rewards(session, shop, member, locale),
        "expiring": q.expiring(session, shop.id, member.id, now) if member else [],
        "history": q.history(session, shop.id, member.id, locale) if member else [],
    }


def _shop_parts(session: Session, sf: Storefront, locale: str) -> tuple[bool, dict[str, Any]]:
    """(referral programme on?, the "program" block): what every shopper of the shop sees alike."""
    referral = referral_config(session, sf.shop.id)
    return referral.enabled, _program(session, sf, locale, referral.referrer_points if referral.enabled else 0)


def _member(member: Member, code: str | None, sf: Storefront) -> dict[str, Any]:
    return {
        "first_name": member.first_name,
        "balance": member.balance,
        "pending": member.pending,
        "spendable": max(0, member.balance - member.pending),
        "referral_code": code,
        "referral_url": f"{sf.base_url}/r/{code}" if code else None,
        "birthday": member.birthday.isoformat() if member.birthday else None,
        "newsletter": member.accepts_marketing,
    }


def _tier(session: Session, sf: Storefront, member: Member, locale: str, now: datetime) -> dict[str, Any] | None:
    status = tier_status(session, sf.shop, member, now, locale)
    if status is None:
        return None
    keys = ("current", "next", "progress", "remaining", "label")
    return {key: status.get(key) for key in keys}


def _program(session: Session, sf: Storefront, locale: str, referral_points: int) -> dict[str, Any]:
    settings = ShopRepository(session).settings(sf.shop.id)
    earning = earning_events.config(session, sf.shop.id)
    label = q.points_label(settings, locale, sf.shop.currency)
    ways: list[dict[str, Any]] = [{"key": "order", "label": label}]
    for key, points in (
        ("signup", earning.signup_points),
        ("newsletter", earning.newsletter_points),
        ("birthday", earning.birthday_points),
        ("review", _review_points(session, sf.shop.id)),
        ("referral", referral_points),
    ):
        if points > 0:
            ways.append({"key": key, "label": translate(f"storefront.earn.{key}", locale), "points": points})
    program = load_program(session, sf.shop.id)
    return {
        "points_label": label,
        "point_value": {"points": settings.point_value_points, "amount": str(settings.point_value_amount)},
        "ways_to_earn": ways,
        "tiers": [{"key": t.key, "name": t.name, "threshold": str(t.threshold)} for t in program.tiers]
        if program
        else [],
        "signup_url": sf.signup_url,
        "login_url": sf.login_url,
    }


def _review_points(session: Session, shop_id: int) -> int:
    from app.services.email_settings import get_config

    return int(get_config(session, shop_id).review_points)
