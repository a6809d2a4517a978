"""Shops (tenants) and their program settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, MoneyType, UTCDateTime


class Shop(Base):
    """A merchant's shop on one platform. Credentials are Fernet-encrypted (app.security.crypto)."""

    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("platform", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    locale: Mapped[str] = mapped_column(String(5), default="de")
    status: Mapped[str] = mapped_column(String(20), default="active")
    access_token_enc: Mapped[str | None] = mapped_column(Text)
    webhook_secret_enc: Mapped[str | None] = mapped_column(Text)
    consumer_key_enc: Mapped[str | None] = mapped_column(Text)
    consumer_secret_enc: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(500), default="")
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_connected(self) -> bool:
        """The app can call the shop's API: Shopify granted an access token, WooCommerce gave API keys."""
        if self.platform == "shopify":
            return self.access_token_enc is not None
        return self.consumer_key_enc is not None and self.consumer_secret_enc is not None


class ProgramSettings(Base):
    """One row per shop: how points are earned, what they are worth, when they mature and expire."""

    __tablename__ = "program_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    points_per_unit: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("1"))
    include_shipping: Mapped[bool] = mapped_column(Boolean, default=False)
    include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    rounding: Mapped[str] = mapped_column(String(10), default="down")
    point_value_points: Mapped[int] = mapped_column(Integer, default=100)
    point_value_amount: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("1.00"))
    pending_days: Mapped[int] = mapped_column(Integer, default=0)
    expiry_policy: Mapped[str] = mapped_column(String(20), default="never")  # never | per_lot | inactivity
    expiry_months: Mapped[int] = mapped_column(Integer, default=12)
    expiry_reminder_days: Mapped[int] = mapped_column(Integer, default=14)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
