"""Segment keys as an operator types them (`loyalty export SHOP segment KEY`, `campaigns create --segment KEY`):
any case, and a tier only if the shop has it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, union

from app.analytics.export import segment_for_key
from app.analytics.segments import ABC, RFM_GROUPS
from app.domain.errors import InvalidInput
from app.models import MemberTier, Tier
from app.uow import UnitOfWork


def segment_from_key(uow: UnitOfWork, shop_id: int, key: str) -> dict[str, Any]:
    """`a`, `Champions`, `TIER:Gold`, `all` as the segment definition `segment_for_key` makes of `A`,
    `champions`, `tier:gold`, `all`; a tier the shop has no member or programme entry for is refused
    (InvalidInput naming the shop's tiers), where it would have been an empty export."""
    typed = key.strip()
    folded = typed.casefold()
    if folded.startswith("tier:"):
        return segment_for_key(f"tier:{_tier_key(uow, shop_id, typed[5:].strip())}")
    known = {name.casefold(): name for name in (*ABC, *RFM_GROUPS, "all")}
    return segment_for_key(known.get(folded, typed))  # an unknown key: its error names the choices


def _tier_key(uow: UnitOfWork, shop_id: int, typed: str) -> str:
    with uow:
        # The programme's tiers, and keys members still hold from an earlier programme (not re-evaluated yet).
        keys = sorted(set(uow.session.scalars(union(
            select(Tier.key).where(Tier.shop_id == shop_id),
            select(MemberTier.tier_key).where(MemberTier.shop_id == shop_id, MemberTier.tier_key.is_not(None)),
        ))))
    for candidate in keys:
        if candidate.casefold() == typed.casefold():
            return candidate
    raise InvalidInput(f"unknown tier {typed!r}",
                       errors={"the shop's tiers": keys or ["none (it has no tier programme)"]})
