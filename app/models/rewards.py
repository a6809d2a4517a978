"""Rewards tables: VIP tier programmes and member tier state, the rewards catalogue, coupons, reward settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, MoneyType, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class TierProgramRow(Base):
    """One row per shop: what qualifies for a tier (net spend or points earned) and over which period."""

    __tablename__ = "tier_programs"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    basis: Mapped[str] = mapped_column(String(10), default="spend")  # spend | points
    period: Mapped[str] = mapped_column(
        String(20), default="lifetime"
    )  # lifetime | calendar_year | rolling_12m
    grace_days: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Tier(Base):
    """One tier of a shop's programme; `position` orders them by ascending threshold."""

    __tablename__ = "tiers"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    threshold: Mapped[Decimal] = mapped_column(MoneyType())
    multiplier: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("1"))
    entry_bonus_points: Mapped[int] = mapped_column(Integer, default=0)
    entry_coupon_reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id", ondelete="SET NULL"))
    perks: Mapped[list[str]] = mapped_column(JSONType, default=list)
    position: Mapped[int] = mapped_column(Integer)
    # Name and perks in a language other than `name`'s: {"en": {"name": "Silver", "perks": ["Free shipping"]}}.
    translations: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")


class MemberTier(Base):
    """A member's current tier; `below_since` runs the grace clock, `evaluated_at` paces the periodic job."""

    __tablename__ = "member_tiers"
    __table_args__ = (Index("ix_member_tiers_shop_evaluated", "shop_id", "evaluated_at"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    tier_key: Mapped[str | None] = mapped_column(String(40))
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    below_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TierHistory(Base):
    """Every tier change of a member, with why it happened (order, evaluation, grace_expired)."""

    __tablename__ = "tier_history"
    __table_args__ = (Index("ix_tier_history_shop_member", "shop_id", "member_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    from_key: Mapped[str | None] = mapped_column(String(40))
    to_key: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reward(Base):
    """A catalogue entry members buy with points; names are optional (the label is derived from the kind)."""

    __tablename__ = "rewards"
    __table_args__ = (Index("ix_rewards_shop_active", "shop_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # fixed_amount | percentage | free_shipping
    name_de: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    points_cost: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(MoneyType())
    minimum_order: Mapped[Decimal | None] = mapped_column(MoneyType())
    validity_days: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Coupon(Base):
    """A single-use code issued to one member, and its life at the shop.

    status: reserved (points spent, push in flight) → active | pending_push (platform unavailable, the
    worker retries) | failed (rejected, or given up); active → used | expired | deactivated.
    A deactivated coupon with a `platform_ref` and `platform_deactivated` false still needs the platform call.
    A failed coupon with `next_attempt_at` set was given up while the platform was unavailable: its points come
    back once the worker has looked the code up at the shop (and deactivated it if a lost answer created it).
    """

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        UniqueConstraint("shop_id", "idempotency_key"),
        Index("ix_coupons_shop_member", "shop_id", "member_id", "id"),
        Index("ix_coupons_shop_status_next", "shop_id", "status", "next_attempt_at"),
        Index("ix_coupons_shop_order", "shop_id", "order_id"),
        Index("ix_coupons_shop_ends", "shop_id", "status", "ends_at"),
        Index("ix_coupons_shop_created", "shop_id", "created_at"),  # analytics
        Index("ix_coupons_shop_used_order", "shop_id", "used_order_id"),  # analytics: revenue with our codes
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(
        String(20)
    )  # redemption | next_purchase | tier_entry | referral | campaign
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(MoneyType())
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    minimum_order: Mapped[Decimal | None] = mapped_column(MoneyType())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    platform_ref: Mapped[str | None] = mapped_column(String(128))
    platform_deactivated: Mapped[bool] = mapped_column(Boolean, default=False)
    points_spent: Mapped[int] = mapped_column(Integer, default=0)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id", ondelete="SET NULL"))
    points_returned: Mapped[bool] = mapped_column(Boolean, default=False)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    used_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(120))
    actor: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RewardSettings(Base):
    """One row per shop: the next-purchase ("thank you") coupon rule and what happens to expired coupons."""

    __tablename__ = "reward_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    next_purchase_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    next_purchase_mode: Mapped[str] = mapped_column(String(20), default="first_order")
    next_purchase_threshold: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    next_purchase_kind: Mapped[str] = mapped_column(String(20), default="percentage")
    next_purchase_value: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("10"))
    next_purchase_minimum_order: Mapped[Decimal | None] = mapped_column(MoneyType())
    next_purchase_validity_days: Mapped[int] = mapped_column(Integer, default=30)
    refund_points_on_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

