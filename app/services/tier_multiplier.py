"""The earn multiplier a member's VIP tier gives (1 until tiers are configured)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.models import Member, ProgramSettings


def multiplier_for(session: Session, settings: ProgramSettings, member: Member | None) -> Decimal:
    """Tier multiplier at earning time; kept with the order's rules so reversals match."""
    return Decimal("1")
