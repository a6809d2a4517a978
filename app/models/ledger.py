"""The append-only points ledger and the lots that earned points form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class LedgerEntry(Base):
    """One movement of points. Never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        Index("ix_ledger_entries_shop_member", "shop_id", "member_id", "id"),
        Index("ix_ledger_entries_shop_order", "shop_id", "order_id"),
        Index("ix_ledger_entries_shop_kind_time", "shop_id", "kind", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(
        String(24)
    )  # earn | reverse | redeem | redeem_refund | expire | adjust | bonus
    reason: Mapped[str] = mapped_column(String(255), default="")
    source_type: Mapped[str] = mapped_column(String(24), default="")
    source_ref: Mapped[str] = mapped_column(String(64), default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120), default="system")
    idempotency_key: Mapped[str | None] = mapped_column(String(120))
    balance_after: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PointLot(Base):
    """Points from one credit, with their own availability and expiry; `remaining` is what is left of them."""

    __tablename__ = "point_lots"
    __table_args__ = (
        Index("ix_point_lots_shop_member", "shop_id", "member_id"),
        Index("ix_point_lots_maturing", "shop_id", "matured", "available_at"),
        Index("ix_point_lots_expiring", "shop_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    points: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    matured: Mapped[bool] = mapped_column(Boolean, default=True)
