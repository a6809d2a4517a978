"""The earn multiplier a member's VIP tier gives (1 without a tier)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import MemberTier, ProgramSettings, Tier, TierProgramRow
from app.repositories.records import AnyMember
from app.repositories.shop_settings import settings_row


def multiplier_for(session: Session, settings: ProgramSettings, member: AnyMember | None) -> Decimal:
    """Tier multiplier at earning time; kept with the order's rules so reversals match."""
    if member is None or settings_row(session, TierProgramRow, settings.shop_id) is None:
        return Decimal("1")  # no member, or a shop without a tier programme (its tiers are saved with it)
    multiplier = session.scalar(
        select(Tier.multiplier)
        .join(MemberTier, (MemberTier.shop_id == Tier.shop_id) & (MemberTier.tier_key == Tier.key))
        .where(Tier.shop_id == settings.shop_id, MemberTier.member_id == member.id)
    )
    return multiplier if multiplier is not None else Decimal("1")
