"""Members: the shop's customers in the program, with cached balances."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class Member(Base):
    """A shopper. `balance` and `pending` are caches of the ledger and lots, written in the same transaction."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_ref"),
        # Email lookups compare lower(email) (guest orders joining a member, a member found by email): indexed so.
        Index("ix_members_shop_lower_email", "shop_id", func.lower(literal_column("email"))),
        Index("ix_members_shop_joined", "shop_id", "joined_at", "id"),  # the admin's list, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    accepts_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    balance: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[int] = mapped_column(Integer, default=0)
    lifetime_points: Mapped[int] = mapped_column(Integer, default=0)
    birthday: Mapped[date | None] = mapped_column(Date)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or (self.email or f"#{self.id}")


class ConsentPush(Base):
    """A newsletter opt-in given in the widget, to be recorded at the shop as the customer's email marketing
    consent (Shopify). status: pending → done | failed (`last_error` says why); retried with backoff."""

    __tablename__ = "consent_pushes"
    __table_args__ = (
        UniqueConstraint("shop_id", "member_id"),
        Index("ix_consent_pushes_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # why it is not done: missing_scope | rejected | unavailable (retried) | shop_or_member_gone | no_customer
    reason: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
