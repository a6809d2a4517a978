"""Segment reads for the admin API, each in its own read-only unit of work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.analytics.dialect import tune_for_analytics
from app.analytics.segments import parse_segment, segment_counts, segment_members, segment_size
from app.analytics.settings import from_program
from app.repositories import ShopRepository
from app.uow import UnitOfWork


def shares_of(session: Session, shop_id: int) -> tuple[Decimal, Decimal]:
    """The shop's A/B cut-offs."""
    options = from_program(ShopRepository(session).settings(shop_id))
    return options.a_share, options.b_share


def segments_overview(uow: UnitOfWork, shop_id: int, locale: str) -> dict[str, Any]:
    """Members (and revenue) per A/B/C class, RFM group and tier."""
    with uow:
        return segments_in(uow.session, shop_id, locale)


def segments_in(session: Session, shop_id: int, locale: str) -> dict[str, Any]:
    """`segments_overview` in the caller's transaction: the admin's segments tab and `loyalty report` count alike."""
    tune_for_analytics(session)
    return segment_counts(session, shop_id, shares_of(session, shop_id), locale)


def segment_page(uow: UnitOfWork, shop_id: int, raw: dict[str, Any], *, after_id: int, limit: int) -> dict[str, Any]:
    """One page of a segment's members and the segment's size."""
    definition = parse_segment(raw)
    with uow:
        tune_for_analytics(uow.session)
        shares = shares_of(uow.session, shop_id)
        members = segment_members(uow.session, shop_id, definition, shares, limit=limit, after_id=after_id)
        return {"segment": definition, "count": segment_size(uow.session, shop_id, definition, shares),
                "members": members, "next_after_id": members[-1]["id"] if len(members) == limit else None}
