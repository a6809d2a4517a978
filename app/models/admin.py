"""Merchant-side records: single-use login links, signed-in admin browsers and the audit log of admin actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.ledger import BigId
from app.models.types import JSONType, UTCDateTime


class AdminLoginNonce(Base):
    """A login link that was used; a second use of the same link is refused by this unique row."""

    __tablename__ = "admin_login_nonces"
    __table_args__ = (UniqueConstraint("shop_id", "nonce"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AdminSession(Base):
    """A browser signed in to the admin page with a cookie (login link or install); signing out deletes the row.

    The cookie names the row by a random id; only its SHA-256 is kept, so a copy of the table signs nobody in."""

    __tablename__ = "admin_sessions"
    __table_args__ = (UniqueConstraint("shop_id", "token_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditLog(Base):
    """Who did what in the admin page (manual adjustments, settings changes, privacy actions)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_shop_time", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
