"""Messaging tables: the email outbox, reviews with their submissions, unsubscribes, and email settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class OutboxMessage(Base):
    """One email to send, written in the transaction of the event that caused it (DESIGN §4.8).

    status: pending → sending (claimed, with a lease) → sent | pending again (retry) | failed; or cancelled.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("shop_id", "dedupe_key"),
        Index("ix_outbox_messages_status_due", "status", "due_at"),
        Index("ix_outbox_messages_shop_member", "shop_id", "member_id"),
        Index("ix_outbox_messages_shop_order", "shop_id", "order_id"),
        Index("ix_outbox_messages_shop_kind_sent", "shop_id", "kind", "status", "sent_at"),  # analytics
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(5))
    to_email: Mapped[str] = mapped_column(String(320))
    dedupe_key: Mapped[str] = mapped_column(String(190))
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    subject: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewSubmission(Base):
    """One answer to a review request: at most one per order, with the optional 0–10 recommend score."""

    __tablename__ = "review_submissions"
    __table_args__ = (UniqueConstraint("shop_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    recommend_score: Mapped[int | None] = mapped_column(Integer)
    points_awarded: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Review(Base):
    """A star rating (1–5) and text for one product of an order; ≤ 2 stars is flagged for the merchant."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_id", "product_key"),
        Index("ix_reviews_shop_rating", "shop_id", "rating"),
        Index("ix_reviews_shop_member", "shop_id", "member_id"),
        Index("ix_reviews_shop_created", "shop_id", "created_at"),  # analytics
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("review_submissions.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    product_key: Mapped[str] = mapped_column(String(64))  # product ref, else the line item ref
    product_title: Mapped[str] = mapped_column(String(255), default="")
    rating: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EmailUnsubscribe(Base):
    """A shopper's objection to every non-transactional message of one shop (by address)."""

    __tablename__ = "email_unsubscribes"
    __table_args__ = (UniqueConstraint("shop_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(32), default="link")  # link | one_click | admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EmailSettings(Base):
    """One row per shop: per-kind switches, delays and texts, review policy (see services.email_settings)."""

    __tablename__ = "email_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
