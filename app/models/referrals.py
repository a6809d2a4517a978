"""Referral program: each member's code, the referrals it brought, and the shop's referral settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.ledger import BigId
from app.models.types import JSONType, MoneyType, UTCDateTime


class ReferralCode(Base):
    """A member's personal referral code (unique per shop) and how often its link was opened."""

    __tablename__ = "referral_codes"
    __table_args__ = (UniqueConstraint("shop_id", "code"), UniqueConstraint("shop_id", "member_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Referral(Base):
    """A friend brought by a member. `friend_key` is `c:<customer ref>` or `e:<email>`: a friend counts once.

    status: pending (recorded, no order yet) → ordered (first order paid, waiting out the hold) → rewarded;
    or flagged (fraud reasons in `flags`, waiting for the merchant) → ordered (approved) | rejected;
    or revoked (the friend's order was refunded or cancelled before the reward was settled).
    """

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("shop_id", "friend_key"),
        Index("ix_referrals_shop_status", "shop_id", "status", "settle_after"),
        Index("ix_referrals_status_settle", "status", "settle_after"),  # the settle job looks across shops
        Index("ix_referrals_shop_referrer", "shop_id", "referrer_id", "created_at"),
        Index("ix_referrals_shop_order", "shop_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    referrer_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(12))  # link | email | code
    friend_key: Mapped[str] = mapped_column(String(330))
    friend_email: Mapped[str | None] = mapped_column(String(320))
    friend_customer_ref: Mapped[str | None] = mapped_column(String(64))
    friend_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    order_name: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    was_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    referrer_points: Mapped[int] = mapped_column(Integer, default=0)
    referrer_coupon_code: Mapped[str | None] = mapped_column(String(64))
    friend_coupon_code: Mapped[str | None] = mapped_column(String(64))
    settle_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(120))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(255), default="")


class ReferralSettings(Base):
    """What referrals earn and the fraud limits; `enabled` off hides the program from the widget.

    `referrer_reward` is "points" (`referrer_points`) or "coupon" (the `referrer_coupon_*` terms).
    """

    __tablename__ = "referral_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    referrer_points: Mapped[int] = mapped_column(Integer, default=500)
    referrer_reward: Mapped[str] = mapped_column(String(12), default="points")
    referrer_coupon_kind: Mapped[str] = mapped_column(String(16), default="fixed_amount")
    referrer_coupon_value: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("10.00"))
    referrer_coupon_minimum: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    referrer_coupon_days: Mapped[int] = mapped_column(Integer, default=90)
    friend_coupon_kind: Mapped[str] = mapped_column(String(16), default="fixed_amount")
    friend_coupon_value: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("5.00"))
    friend_coupon_minimum: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    friend_coupon_days: Mapped[int] = mapped_column(Integer, default=30)
    hold_days: Mapped[int] = mapped_column(Integer, default=14)
    max_per_window: Mapped[int] = mapped_column(Integer, default=10)
    window_days: Mapped[int] = mapped_column(Integer, default=30)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
