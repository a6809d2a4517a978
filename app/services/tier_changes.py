"""Tier changes: immediate upgrades on orders, the periodic evaluation (grace, one step down), entry rewards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.domain.tiers import TierDef, TierProgram, evaluate, tier_label, upgrade_on_order
from app.i18n import pick_locale
from app.models import LedgerEntry, Member, MemberTier, Reward, Shop, TierHistory, TierProgramRow
from app.repositories import ShopRepository
from app.repositories.records import AnyMember, MemberRecord, OrderRecord
from app.services import ledger
from app.services.coupons import CouponTerms, issue_coupon
from app.services.ledger import Posting
from app.services.order_hooks import is_history
from app.services.program import award_expiry
from app.services.rewards import reward_name
from app.services.tier_values import load_program, qualifying_value, qualifying_values
from app.services.worklist import claim_next, for_each_claimed
from app.uow import UnitOfWork

# Each member is evaluated about once a day; the job runs hourly and takes whoever is due.
EVALUATION_INTERVAL = timedelta(hours=20)


def upgrade_tier_on_order(
    session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime
) -> None:
    """Order hook: a paid order that lifts the member's qualifying value over a threshold upgrades at once.

    Refunds that drop the member below a threshold are left to `evaluate_tiers` (grace period).
    """
    if not order.is_paid or order.is_cancelled:
        return
    program = load_program(session, shop.id)
    if program is None or not program.tiers:
        return
    session.flush()  # this order's state counts in the sums below (sessions do not autoflush)
    value = qualifying_value(session, shop.id, member.id, program, now)
    state = _state(session, member, now)
    target = upgrade_on_order(program, state.tier_key, value)
    if target is not None:
        change_tier(session, shop, member, state, program, target.key, "order", now)


def _state(session: Session, member: AnyMember, now: datetime) -> MemberTier:
    state = session.get(MemberTier, member.id)
    if state is None:
        state = MemberTier(member_id=member.id, shop_id=member.shop_id, tier_key=None, since=now)
        session.add(state)
    return state


def change_tier(
    session: Session, shop: Shop, member: AnyMember, state: MemberTier, program: TierProgram, new_key: str | None,
    reason: str, now: datetime,
) -> None:
    """Move the member (locked by the caller) to `new_key`, record the history, and reward an upward move.

    A move made while importing history (`importing_history`) is recorded with the reason "import" and neither
    rewarded nor announced: the member's past puts them there, it is no news (a burst of "you are Gold now" emails
    to a shop's whole customer file, and entry coupons pushed for it, would follow every import otherwise).
    """
    history = is_history(session)
    old_key = state.tier_key
    old_index = _index(program, old_key)
    state.tier_key, state.since, state.below_since = new_key, now, None
    session.add(TierHistory(shop_id=shop.id, member_id=member.id, from_key=old_key, to_key=new_key,
                            reason="import" if history else reason, at=now))
    new_index = _index(program, new_key)
    if new_key is not None and new_index > old_index and not history:
        tier = program.tiers[new_index]
        _entry_rewards(session, shop, member, program, tier, now)
        if tier.threshold > 0 or tier.entry_bonus_points > 0 or tier.entry_coupon_reward_id is not None:
            # A tier every member holds from the first order on (threshold 0, nothing given for it) is not news:
            # no "you reached it" email beside that order's thank-you.
            _congratulate(session, shop, member, program, tier, now)


def _congratulate(
    session: Session, shop: Shop, member: AnyMember, program: TierProgram, tier: TierDef, now: datetime
) -> None:
    from app.services.messages import enqueue

    # The email goes out in the member's language (as `enqueue` picks it), so the tier's name and perks do too.
    name, perks = tier_label(tier, pick_locale(member.locale, shop.locale))
    context = {"tier_name": name, "tier_key": tier.key, "multiplier": str(tier.multiplier), "perks": list(perks),
               "entry_points": tier.entry_bonus_points}
    enqueue(session, shop, member, "tier_upgrade", due_at=now, now=now, context=context,
            dedupe_key=f"tier_upgrade:{member.id}:{tier.key}:{_period_suffix(program, now)}")


def _period_suffix(program: TierProgram, now: datetime) -> str:
    return "lifetime" if program.period == "lifetime" else str(now.year)


def _index(program: TierProgram, key: str | None) -> int:
    return next((i for i, t in enumerate(program.tiers) if t.key == key), -1)


def _entry_rewards(
    session: Session, shop: Shop, member: AnyMember, program: TierProgram, tier: TierDef, now: datetime
) -> None:
    # Once per tier and year (or once ever for lifetime programmes): falling back and climbing again in the
    # same year earns nothing twice.
    key = f"tier-entry:{member.id}:{tier.key}:{_period_suffix(program, now)}"
    if tier.entry_bonus_points > 0 and not _posted(session, shop.id, key):
        posting = Posting("bonus", "tier_entry", "tier", tier.key[:64], idempotency_key=key)
        expires_at = award_expiry(session, shop.id, now)
        ledger.credit(session, member, tier.entry_bonus_points, posting, now=now, expires_at=expires_at)
    if tier.entry_coupon_reward_id is not None:
        reward = session.scalars(
            select(Reward).where(Reward.shop_id == shop.id, Reward.id == tier.entry_coupon_reward_id)
        ).first()
        if reward is not None:
            locale = pick_locale(member.locale, shop.locale)  # the title is what the shopper reads
            title = f"{tier_label(tier, locale)[0]}: {reward_name(reward, locale, shop.currency)}"
            terms = CouponTerms(reward.kind, reward.value, reward.minimum_order, reward.validity_days, title)
            issue_coupon(session, shop, member, terms, source="tier_entry", idempotency_key=key, now=now,
                         reward_id=reward.id)


def _posted(session: Session, shop_id: int, key: str) -> bool:
    # Safe without a constraint violation: every writer of this key holds the member lock.
    return session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.shop_id == shop_id, LedgerEntry.idempotency_key == key)
    ) is not None


def evaluate_tiers(uow_factory: Callable[[], UnitOfWork], now: datetime) -> int:
    """Worker job: re-evaluate members not evaluated for a day — upgrades at once; below the threshold the
    grace clock runs, and after it the member drops one tier per evaluation (refunds, period ends)."""
    with uow_factory() as uow:
        shop_ids = list(uow.session.scalars(
            select(Shop.id).join(TierProgramRow, TierProgramRow.shop_id == Shop.id).where(Shop.status == "active")
        ))
    return sum(_evaluate_shop(uow_factory, shop_id, now) for shop_id in shop_ids)


def _evaluate_shop(uow_factory: Callable[[], UnitOfWork], shop_id: int, now: datetime) -> int:
    due = (
        select(Member)
        .outerjoin(MemberTier, MemberTier.member_id == Member.id)
        .where(Member.shop_id == shop_id, or_(MemberTier.evaluated_at.is_(None),
                                               MemberTier.evaluated_at <= now - EVALUATION_INTERVAL))
        .order_by(Member.id)
    )

    def claim(session: Session, skip: set[int]) -> Member | None:
        return claim_next(session, due, Member.id, skip, of=Member)  # type: ignore[no-any-return]

    def work(session: Session, member: Member) -> bool:
        shop = ShopRepository(session).get(shop_id)
        program = load_program(session, shop_id)
        state = session.get(MemberTier, member.id)
        if shop is None or program is None or (state is not None and state.evaluated_at is not None
                                                and state.evaluated_at > now - EVALUATION_INTERVAL):
            return False  # evaluated by another worker a moment ago
        evaluate_member(session, shop, member, program, now)
        return True

    return for_each_claimed(uow_factory, claim, work, key=lambda m: m.id, job="evaluate_tiers")


def evaluate_member(session: Session, shop: Shop, member: AnyMember, program: TierProgram, now: datetime) -> None:
    """One member's periodic decision (the member row is locked by the caller)."""
    _decide(session, shop, member, program, qualifying_value(session, shop.id, member.id, program, now), now)


def evaluate_members(
    session: Session, shop: Shop, members: Sequence[AnyMember], program: TierProgram, now: datetime
) -> None:
    """`evaluate_member` for several members (locked by the caller), their values and states read at once."""
    session.flush()  # states an order hook of this transaction added count, as they are
    ids = [member.id for member in members]
    # Loaded into the session here, the states are found by `_state` without a query each.
    list(session.scalars(select(MemberTier).where(MemberTier.shop_id == shop.id, MemberTier.member_id.in_(ids))))
    values = qualifying_values(session, shop.id, ids, program, now)
    for member in members:
        _decide(session, shop, member, program, values.get(member.id, Decimal("0.00")), now)


def _decide(session: Session, shop: Shop, member: AnyMember, program: TierProgram, value: Decimal,
            now: datetime) -> None:
    state = _state(session, member, now)
    keys = {t.key for t in program.tiers}
    stale = state.tier_key is not None and state.tier_key not in keys
    decision = evaluate(program, state.tier_key, value, now, state.below_since)
    if decision.new_key != state.tier_key:
        reason = "program_change" if stale else ("evaluation" if decision.change == "up" else "grace_expired")
        change_tier(session, shop, member, state, program, decision.new_key, reason, now)
    else:
        state.below_since = decision.below_since
    state.evaluated_at = now
