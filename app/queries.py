"""Read side for the CLI, widget, admin and analytics: shop-scoped selects, no writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db_text import folded
from app.domain.errors import MemberNotFound
from app.domain.tiers import translated_label, translations_from_dict
from app.models import Coupon, LedgerEntry, Member, MemberTier, Order, PointLot, Shop, Tier
from app.repositories import LotRepository, MemberRepository, OrderRepository


def member_detail(session: Session, shop: Shop, email: str, now: datetime, locale: str = "en") -> dict[str, Any]:
    """Balance, pending, lots and ledger of one member, for support and scripts; each ledger row's `text` is its
    reason as the admin page says it, in `locale`."""
    from app.services.admin_members import readable_reason

    member = MemberRepository(session, shop.id).get_by_email(email)
    if member is None:
        raise MemberNotFound(email=email)
    lots = LotRepository(session, shop.id)
    orders = OrderRepository(session, shop.id).list_for_member(member.id)
    names = {o.id: o.name for o in orders}
    return {
        "shop": shop.domain,
        "member_id": member.id,
        "customer_ref": member.customer_ref,
        "email": member.email,
        "name": member.display_name,
        "balance": member.balance,
        "pending": member.pending,
        "spendable": max(0, member.balance - member.pending),
        "lifetime_points": member.lifetime_points,
        "joined_at": member.joined_at.isoformat(),
        "lots": [
            {
                "id": lot.id,
                "points": lot.points,
                "remaining": lot.remaining,
                "available_at": lot.available_at.isoformat(),
                "expires_at": lot.expires_at.isoformat() if lot.expires_at else None,
                "pending": not lot.matured,
            }
            for lot in lots.lots(member.id)
        ],
        "ledger": [
            {
                "id": entry.id,
                "at": entry.occurred_at.isoformat(),
                "delta": entry.delta,
                "kind": entry.kind,
                "reason": entry.reason,
                "source": f"{entry.source_type}:{entry.source_ref}" if entry.source_type else "",
                "text": readable_reason(entry, locale, names),
                "actor": entry.actor,
                "balance_after": entry.balance_after,
            }
            for entry in lots.entries(member.id, limit=500)
        ],
        "orders": [
            {
                "name": o.name,
                "ref": o.order_ref,
                "paid": o.is_paid,
                "cancelled": o.is_cancelled,
                "total": str(o.total),
                "refunded": str(o.refunded_total),
                "points": o.points_earned,
            }
            for o in orders
        ],
    }


def shop_summary(session: Session, shop: Shop) -> dict[str, Any]:
    """Members, orders and points outstanding of one shop, for `loyalty shops list` and the demo."""
    members, outstanding = session.execute(
        select(func.count(Member.id), func.coalesce(func.sum(Member.balance), 0)).where(
            Member.shop_id == shop.id
        )
    ).one()
    orders = session.scalar(select(func.count(Order.id)).where(Order.shop_id == shop.id)) or 0
    entries = session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.shop_id == shop.id)) or 0
    pending = session.scalar(
        select(func.coalesce(func.sum(PointLot.remaining), 0)).where(
            PointLot.shop_id == shop.id, PointLot.matured.is_(False)
        )
    )
    redeemed, used = session.execute(
        select(func.count(Coupon.id), func.count(Coupon.used_order_id)).where(
            Coupon.shop_id == shop.id, Coupon.source == "redemption"
        )
    ).one()
    return {
        "id": shop.id,
        "platform": shop.platform,
        "domain": shop.domain,
        "status": shop.status,
        "members": members,
        "orders": orders,
        "ledger_entries": entries,
        "points_outstanding": int(outstanding),
        "points_pending": int(pending or 0),
        "codes_redeemed": int(redeemed),
        "codes_used": int(used),
    }


def top_members(session: Session, shop: Shop, limit: int = 5) -> list[Member]:
    """The members with the highest balances."""
    return list(
        session.scalars(
            select(Member)
            .where(Member.shop_id == shop.id)
            .order_by(Member.balance.desc(), Member.id)
            .limit(limit)
        )
    )


# A member's name as the list sorts it: the last name, else the first, else the email (members imported without
# a name), folded so that "Öztürk" sorts among the O as German readers expect (app.db_text).
_SORT_NAME = folded(func.coalesce(func.nullif(Member.last_name, ""), func.nullif(Member.first_name, ""),
                                  Member.email, ""))
MEMBER_ORDER = {
    "joined_desc": (Member.joined_at.desc(), Member.id.desc()),
    "joined_asc": (Member.joined_at.asc(), Member.id.asc()),
    "balance_desc": (Member.balance.desc(), Member.id.desc()),
    "balance_asc": (Member.balance.asc(), Member.id.asc()),
    "name_asc": (_SORT_NAME.asc(), folded(func.coalesce(Member.first_name, "")).asc(), Member.id.asc()),
    "name_desc": (_SORT_NAME.desc(), folded(func.coalesce(Member.first_name, "")).desc(), Member.id.desc()),
}


def member_list(session: Session, shop_id: int, text: str, *, offset: int, limit: int,
                locale: str | None = None, sort: str = "joined_desc", tier: str | None = None,
                with_pending: bool = False) -> dict[str, Any]:
    """One page of a shop's members in `sort` order (MEMBER_ORDER; by the day they joined, newest first by
    default), matching every word of `text` in email or name, in the tier with key `tier` if given, only those with
    pending points if `with_pending`; with the total and tiers (their names in `locale`; None: as the merchant
    wrote them)."""
    where = [Member.shop_id == shop_id]
    if text.strip():
        where.append(MemberRepository.matching(text))
    if tier is not None:
        where.append(Member.id.in_(
            select(MemberTier.member_id).where(MemberTier.shop_id == shop_id, MemberTier.tier_key == tier)))
    if with_pending:
        where.append(Member.pending > 0)
    total = session.scalar(select(func.count(Member.id)).where(*where)) or 0
    rows = session.execute(
        select(Member, Tier.name, Tier.translations)
        .outerjoin(MemberTier, (MemberTier.member_id == Member.id) & (MemberTier.shop_id == shop_id))
        .outerjoin(Tier, (Tier.shop_id == shop_id) & (Tier.key == MemberTier.tier_key))
        .where(*where)
        .order_by(*MEMBER_ORDER[sort])
        .offset(offset)
        .limit(limit)
    ).all()
    return {"total": total, "offset": offset, "limit": limit,
            "members": [{"member": member, "tier": _tier_name(name, translations, locale)}
                        for member, name, translations in rows]}


def _tier_name(name: str | None, translations: object, locale: str | None) -> str | None:
    if name is None:
        return None
    return translated_label(name, (), translations_from_dict(translations), locale)[0]
