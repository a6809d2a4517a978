"""The widget's JSON (widget contract): shop, member, tier, program, rewards, expiring points and history."""

from __future__ import annotations

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


def build_view(
    session: Session, sf: Storefront, member: Member | None, code: str | None, locale: str, now: datetime
) -> dict[str, Any]:
    """Everything the widget shows, in `locale`."""
    shop = sf.shop
    referral = referral_config(session, shop.id)
    return {
        "shop": {"name": shop.name, "currency": shop.currency, "locale": shop.locale},
        "member": _member(member, code if referral.enabled else None, sf) if member else None,
        "tier": _tier(session, sf, member, locale, now) if member else None,
        "program": _program(session, sf, locale, referral.referrer_points if referral.enabled else 0),
        "rewards": active_rewards(session, shop, member, locale),
        "expiring": q.expiring(session, shop.id, member.id, now) if member else [],
        "history": q.history(session, shop.id, member.id, locale) if member else [],
    }


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
