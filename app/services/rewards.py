"""The rewards catalogue and the shop's reward settings (next-purchase coupon, expired-coupon refunds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput, RewardNotFound
from app.domain.rewards import NextPurchaseRule, RewardDef, reward_label, validate_next_purchase_rule, validate_reward
from app.models import Member, Reward, RewardSettings, Shop
from app.repositories.shop_settings import settings_row
from app.uow import UnitOfWork

SETTING_FIELDS = (
    "next_purchase_enabled", "next_purchase_mode", "next_purchase_threshold", "next_purchase_kind",
    "next_purchase_value", "next_purchase_minimum_order", "next_purchase_validity_days", "refund_points_on_expiry",
)
DEFAULT_SETTINGS: dict[str, Any] = {
    "next_purchase_enabled": False, "next_purchase_mode": "first_order", "next_purchase_threshold": Decimal("0"),
    "next_purchase_kind": "percentage", "next_purchase_value": Decimal("10"), "next_purchase_minimum_order": None,
    "next_purchase_validity_days": 30, "refund_points_on_expiry": False,
}


@dataclass(frozen=True)
class RewardFields:
    """A reward as the merchant edits it; empty names fall back to a label derived from kind and value."""

    kind: str
    points_cost: int
    value: Decimal
    minimum_order: Decimal | None = None
    validity_days: int = 30
    name_de: str = ""
    name_en: str = ""
    active: bool = True


def reward_name(reward: Reward, locale: str, currency: str) -> str:
    """The reward's name in the locale: the merchant's text, else the other language's, else "5,00 € Rabatt"."""
    own, other = (reward.name_de, reward.name_en) if locale == "de" else (reward.name_en, reward.name_de)
    return own.strip() or other.strip() or reward_label(_definition(reward), locale, currency)


def _definition(reward: Reward | RewardFields) -> RewardDef:
    return RewardDef(
        kind=reward.kind,  # type: ignore[arg-type]
        name=reward.name_de.strip() or reward.name_en.strip() or "-",
        points_cost=reward.points_cost,
        value=reward.value,
        minimum_order=reward.minimum_order,
        validity_days=reward.validity_days,
        active=reward.active,
    )


def list_rewards(uow: UnitOfWork, shop_id: int) -> list[Reward]:
    """Every reward of the shop, active ones first, cheapest first."""
    with uow:
        return list(uow.session.scalars(
            select(Reward).where(Reward.shop_id == shop_id)
            .order_by(Reward.active.desc(), Reward.points_cost, Reward.id)
        ))


def _currency(session: Session, shop_id: int) -> str | None:
    shop = session.get(Shop, shop_id)
    return shop.currency if shop is not None else None


def create_reward(uow: UnitOfWork, shop_id: int, fields: RewardFields, now: datetime) -> Reward:
    """Add a reward to the catalogue (validated in the shop's currency: 422 with per-field errors)."""
    with uow:
        validate_reward(_definition(fields), _currency(uow.session, shop_id))
        reward = Reward(shop_id=shop_id, created_at=now, updated_at=now, **asdict(fields))
        uow.session.add(reward)
        uow.commit()
        return reward


def update_reward(uow: UnitOfWork, shop_id: int, reward_id: int, fields: RewardFields, now: datetime) -> Reward:
    """Change a reward (validated as a new one); coupons already issued keep the terms they were issued with."""
    with uow:
        validate_reward(_definition(fields), _currency(uow.session, shop_id))
        reward = _get(uow.session, shop_id, reward_id)
        for name, value in asdict(fields).items():
            setattr(reward, name, value)
        reward.updated_at = now
        uow.commit()
        return reward


def deactivate_reward(uow: UnitOfWork, shop_id: int, reward_id: int, now: datetime) -> Reward:
    """Take a reward out of the catalogue (kept for the coupons that point to it)."""
    with uow:
        reward = _get(uow.session, shop_id, reward_id)
        reward.active, reward.updated_at = False, now
        uow.commit()
        return reward


def _get(session: Session, shop_id: int, reward_id: int) -> Reward:
    reward = session.scalars(select(Reward).where(Reward.shop_id == shop_id, Reward.id == reward_id)).first()
    if reward is None:
        raise RewardNotFound(reward_id=reward_id)
    return reward


def active_rewards(session: Session, shop: Shop, member: Member | None, locale: str) -> list[dict[str, Any]]:
    """The catalogue as the storefront shows it, with whether the member can afford each reward now."""
    spendable = max(0, member.balance - member.pending) if member else 0
    rewards: Sequence[Reward] = session.scalars(
        select(Reward).where(Reward.shop_id == shop.id, Reward.active.is_(True))
        .order_by(Reward.points_cost, Reward.id)
    ).all()
    return [
        {
            "id": r.id, "name": reward_name(r, locale, shop.currency), "kind": r.kind, "points_cost": r.points_cost,
            "value": str(r.value), "minimum_order": str(r.minimum_order) if r.minimum_order is not None else None,
            "validity_days": r.validity_days, "affordable": member is not None and spendable >= r.points_cost,
        }
        for r in rewards
    ]


def settings_for(session: Session, shop_id: int) -> RewardSettings:
    """The shop's reward settings; defaults (not stored) when the merchant never saved any."""
    row = settings_row(session, RewardSettings, shop_id)
    return row if row is not None else RewardSettings(shop_id=shop_id, **DEFAULT_SETTINGS)


def read_reward_settings(uow: UnitOfWork, shop_id: int) -> dict[str, Any]:
    """The reward settings as a dict (admin API)."""
    with uow:
        row = settings_for(uow.session, shop_id)
        return {name: getattr(row, name) for name in SETTING_FIELDS}


def save_reward_settings(uow: UnitOfWork, shop_id: int, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Replace the given settings (validated as a next-purchase rule: 422 with per-field errors)."""
    with uow:
        row = uow.session.get(RewardSettings, shop_id)
        if row is None:
            row = RewardSettings(shop_id=shop_id, **DEFAULT_SETTINGS, updated_at=now)
            uow.session.add(row)
        for name in SETTING_FIELDS:
            if name in values:
                setattr(row, name, values[name])
        try:
            validate_next_purchase_rule(next_purchase_rule(row), _currency(uow.session, shop_id))
        except InvalidInput as exc:  # the rule's fields are prefixed in the settings
            raise InvalidInput(str(exc), errors={f"next_purchase_{k}": v for k, v in exc.errors.items()}) from exc
        row.updated_at = now
        uow.commit()
        return {name: getattr(row, name) for name in SETTING_FIELDS}


def next_purchase_rule(row: RewardSettings) -> NextPurchaseRule:
    """The settings row as the domain rule."""
    return NextPurchaseRule(
        mode=row.next_purchase_mode,  # type: ignore[arg-type]
        threshold=row.next_purchase_threshold,
        kind=row.next_purchase_kind,  # type: ignore[arg-type]
        value=row.next_purchase_value,
        minimum_order=row.next_purchase_minimum_order,
        validity_days=row.next_purchase_validity_days,
        enabled=row.next_purchase_enabled,
    )
