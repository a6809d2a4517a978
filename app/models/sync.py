"""Order reconciliation runs: what each pull from a shop's API saw, and which orders' points it repaired."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class SyncRun(Base):
    """One pull of the orders changed since `since`. `status`: running | ok | failed (errors say why).

    `synced_to` is what `shops.last_synced_at` became: the run's start when every order was applied, else
    the last order applied before the first failure, so the next run continues from there.
    """

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_shop_started", "shop_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(20))  # job | admin
    actor: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    synced_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pulled: Mapped[int] = mapped_column(Integer, default=0)
    repaired: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    # [{"reason": "platform_unavailable", "detail": "...", "order_ref": "..." | None, "retry_after": 2.0 | None}]
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)


class SyncRepair(Base):
    """An order whose points a sync run changed: a webhook that never arrived (or arrived broken)."""

    __tablename__ = "sync_repairs"
    __table_args__ = (Index("ix_sync_repairs_shop_run", "shop_id", "run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    order_ref: Mapped[str] = mapped_column(String(64))
    order_name: Mapped[str] = mapped_column(String(64), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    points_before: Mapped[int] = mapped_column(Integer)
    points_after: Mapped[int] = mapped_column(Integer)
    repaired_at: Mapped[datetime] = mapped_column(UTCDateTime())
