"""VIP tier programme: editing with a preview, and where a member stands (for the widget and the admin page)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput, MemberNotFound
from app.domain.rewards import format_money
from app.domain.tiers import (
    TierDef,
    TierProgram,
    evaluate,
    progress,
    qualifying_tier,
    tier_label,
    translations_from_dict,
    translations_to_dict,
    validate_program,
)
from app.i18n import pick_locale, translate
from app.models import MemberTier, Reward, Tier, TierHistory, TierProgramRow
from app.repositories import MemberRepository, ShopRepository
from app.services.tier_values import load_program, member_standings, qualifying_value
from app.uow import UnitOfWork

DEFAULT_PROGRAM = {"basis": "spend", "period": "lifetime", "grace_days": 30, "tiers": []}


def tier_program(uow: UnitOfWork, shop_id: int) -> dict[str, Any]:
    """The shop's programme as the admin page edits it (an empty one when none was saved)."""
    with uow:
        program = load_program(uow.session, shop_id)
        return program_dict(program) if program else dict(DEFAULT_PROGRAM)


def program_dict(program: TierProgram) -> dict[str, Any]:
    """A programme as plain data."""
    return {
        "basis": program.basis, "period": program.period, "grace_days": program.grace_days,
        "tiers": [
            {"key": t.key, "name": t.name, "threshold": t.threshold, "multiplier": t.multiplier,
             "entry_bonus_points": t.entry_bonus_points, "entry_coupon_reward_id": t.entry_coupon_reward_id,
             "perks": list(t.perks), "translations": translations_to_dict(t.translations)}
            for t in program.tiers
        ],
    }


def save_tier_program(uow: UnitOfWork, shop_id: int, program: TierProgram, now: datetime) -> dict[str, Any]:
    """Replace the programme. Balances are never touched; members are re-evaluated by the next tier job run
    (upgrades at once, downgrades after the grace period, one tier per run). A tier sent without translations
    (None) keeps the ones its key had."""
    with uow:
        session = uow.session
        program = _with_stored_translations(session, shop_id, program)
        validate_program(program)
        _check_entry_rewards(session, shop_id, program)
        row = session.get(TierProgramRow, shop_id)
        if row is None:
            row = TierProgramRow(shop_id=shop_id)
            session.add(row)
        row.basis, row.period, row.grace_days, row.updated_at = program.basis, program.period, program.grace_days, now
        session.execute(delete(Tier).where(Tier.shop_id == shop_id))
        session.flush()
        for position, t in enumerate(program.tiers):
            session.add(Tier(shop_id=shop_id, key=t.key, name=t.name.strip(), threshold=t.threshold,
                             multiplier=t.multiplier, entry_bonus_points=t.entry_bonus_points,
                             entry_coupon_reward_id=t.entry_coupon_reward_id, perks=list(t.perks),
                             translations=translations_to_dict(t.translations), position=position))
        session.execute(update(MemberTier).where(MemberTier.shop_id == shop_id).values(evaluated_at=None))
        uow.commit()
        return program_dict(program)


def _with_stored_translations(session: Session, shop_id: int, program: TierProgram) -> TierProgram:
    if all(t.translations is not None for t in program.tiers):
        return program
    rows = session.execute(select(Tier.key, Tier.translations).where(Tier.shop_id == shop_id))
    stored = {key: translations for key, translations in rows}
    tiers = tuple(
        t if t.translations is not None else replace(t, translations=translations_from_dict(stored.get(t.key)))
        for t in program.tiers
    )
    return replace(program, tiers=tiers)


def _check_entry_rewards(session: Session, shop_id: int, program: TierProgram) -> None:
    wanted = {t.entry_coupon_reward_id for t in program.tiers if t.entry_coupon_reward_id is not None}
    if not wanted:
        return
    known = set(session.scalars(select(Reward.id).where(Reward.shop_id == shop_id, Reward.id.in_(wanted))))
    errors = {
        f"tiers.{i}.entry_coupon_reward_id": "Unknown reward."
        for i, t in enumerate(program.tiers)
        if t.entry_coupon_reward_id is not None and t.entry_coupon_reward_id not in known
    }
    if errors:
        raise InvalidInput("The tier program is not valid.", errors=errors)


def preview_tier_program(uow: UnitOfWork, shop_id: int, program: TierProgram, now: datetime) -> dict[str, Any]:
    """How many members would land in each tier under the proposed settings, next to today's counts.

    Each member is counted as the next evaluation would place them (`evaluate`): with their stored tier and
    grace clock, so a member below the threshold keeps the tier while the grace period runs, drops one tier
    after it, and the programme as saved previews today's counts.
    """
    validate_program(program)
    counts: dict[str | None, int] = {None: 0, **{t.key: 0 for t in program.tiers}}
    with uow:
        session = uow.session
        for key, below_since, value in member_standings(session, shop_id, program.basis, program.period, now):
            counts[evaluate(program, key, value, now, below_since).new_key] += 1
        current = dict(
            session.execute(
                select(MemberTier.tier_key, func.count()).where(MemberTier.shop_id == shop_id)
                .group_by(MemberTier.tier_key)
            ).all()
        )
    return {
        "members": sum(counts.values()),
        "tiers": [{"key": t.key, "name": t.name, "threshold": t.threshold, "count": counts[t.key],
                   "current": current.get(t.key, 0)} for t in program.tiers],
        "no_tier": counts[None],
    }


class TierMember(Protocol):
    """What the tier status reads of a member: the ORM row, or the storefront's plain copy."""

    @property
    def id(self) -> int: ...
    @property
    def shop_id(self) -> int: ...
    @property
    def locale(self) -> str | None: ...


class TierShop(Protocol):
    """What the tier status reads of a shop: the ORM row, or the storefront's plain copy."""

    @property
    def id(self) -> int: ...
    @property
    def locale(self) -> str: ...
    @property
    def currency(self) -> str: ...


def current_key(session: Session, program: TierProgram, member: TierMember, value: Decimal) -> str | None:
    """The member's stored tier; before the first evaluation (or if the tier was removed), what the value reaches."""
    state = session.get(MemberTier, member.id)
    keys = {t.key for t in program.tiers}
    if state is not None and state.shop_id == member.shop_id and (state.tier_key is None or state.tier_key in keys):
        return state.tier_key
    tier = qualifying_tier(program, value)
    return tier.key if tier else None


def tier_status(session: Session, shop: TierShop, member: TierMember, now: datetime, locale: str | None = None,
                *, program: TierProgram | None = None) -> dict[str, Any] | None:
    """Where the member stands: current tier, the next one, progress and "noch 38,00 € bis Gold"; None when
    the shop has no tiers. `program`: the shop's programme when the caller already holds it."""
    program = program or load_program(session, shop.id)
    if program is None or not program.tiers:
        return None
    value = qualifying_value(session, shop.id, member.id, program, now)
    step = progress(program, current_key(session, program, member, value), value)
    language = pick_locale(locale, member.locale, shop.locale)
    current, following = step.current, step.next
    next_name = tier_label(following, language)[0] if following else None
    return {
        "basis": program.basis,
        "value": str(value) if program.basis == "spend" else int(value),
        "current": _current(current, language) if current else None,
        "next": {"key": following.key, "name": next_name, "threshold": str(following.threshold)}
        if following else None,
        "progress": float(step.ratio),
        "remaining": str(step.remaining) if program.basis == "spend" else int(step.remaining),
        "label": _label(program, next_name, step.remaining, language, shop.currency),
    }


def _current(tier: TierDef, language: str) -> dict[str, Any]:
    name, perks = tier_label(tier, language)
    return {"key": tier.key, "name": name, "multiplier": str(tier.multiplier), "perks": list(perks)}


def _label(program: TierProgram, next_name: str | None, remaining: Decimal, language: str, currency: str) -> str:
    if next_name is None:
        return translate("rewards.tier_top", language)
    if program.basis == "points":
        return translate("rewards.tier_remaining_points", language, points=int(remaining), tier=next_name)
    return translate("rewards.tier_remaining_spend", language, amount=format_money(remaining, language, currency),
                     tier=next_name)


def member_tier(uow: UnitOfWork, shop_id: int, member_id: int, now: datetime, locale: str | None = None,
                ) -> dict[str, Any]:
    """A member's tier status and tier history (admin page)."""
    with uow:
        session = uow.session
        member = MemberRepository(session, shop_id).get(member_id)
        shop = ShopRepository(session).get(shop_id)
        if member is None or shop is None:
            raise MemberNotFound(member_id=member_id)
        history = session.scalars(
            select(TierHistory).where(TierHistory.shop_id == shop_id, TierHistory.member_id == member_id)
            .order_by(TierHistory.id.desc()).limit(50)
        ).all()
        return {
            "status": tier_status(session, shop, member, now, locale),
            "history": [{"from": h.from_key, "to": h.to_key, "reason": h.reason, "at": h.at} for h in history],
        }
