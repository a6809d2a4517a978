"""Install flow state nonces and the privacy exports kept for the merchant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.ledger import BigId
from app.models.types import JSONType, UTCDateTime


class InstallState(Base):
    """A single-use, unguessable state of one install attempt (Shopify OAuth `state`, wc-auth `user_id`).

    No shop_id: the shop does not exist yet when the merchant starts installing.
    """

    __tablename__ = "install_states"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_domain: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))


class PrivacyExport(Base):
    """A customer's data (profile, ledger, orders, reviews, messages) as JSON, for the merchant to download."""

    __tablename__ = "privacy_exports"
    __table_args__ = (Index("ix_privacy_exports_shop_time", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    request_ref: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(20))  # webhook | admin
    found: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
