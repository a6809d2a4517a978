"""The shop's program settings as domain rules: earning rules for a member, lot dates for a credit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.domain.earning import EarningRules
from app.domain.expiry import lot_expires_at
from app.models import ProgramSettings
from app.repositories import ShopRepository
from app.repositories.records import AnyMember


def earning_rules(session: Session, settings: ProgramSettings, member: AnyMember | None) -> EarningRules:
    """The rules an order paid now earns under, including the member's tier multiplier."""
    from app.services.tier_multiplier import multiplier_for

    return EarningRules(
        points_per_unit=settings.points_per_unit,
        include_shipping=settings.include_shipping,
        include_tax=settings.include_tax,
        rounding=settings.rounding,
        multiplier=multiplier_for(session, settings, member),
    )


def lot_dates(
    settings: ProgramSettings, earned_at: datetime, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """When points earned at `earned_at` become spendable, and when they expire (per-lot policy only)."""
    available_at = earned_at + timedelta(days=settings.pending_days) if settings.pending_days else None
    if available_at is not None and available_at <= now:
        available_at = None
    expires_at = lot_expires_at(settings.expiry_policy, settings.expiry_months, earned_at)
    return available_at, expires_at


def award_expiry(session: Session, shop_id: int, now: datetime) -> datetime | None:
    """When points given now for anything but an order (sign-up, birthday, newsletter, a review, a referral, a tier's
    entry bonus, a campaign, a merchant's credit) expire: as an order's points would, under a per-lot policy."""
    settings = ShopRepository(session).settings(shop_id)
    return lot_expires_at(settings.expiry_policy, settings.expiry_months, now)
