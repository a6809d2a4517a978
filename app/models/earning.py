"""Ways to earn beyond orders: per-shop settings and each member's birthday entry (changeable yearly)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.ledger import BigId
from app.models.types import UTCDateTime


class EarningSettings(Base):
    """Points for account creation, newsletter opt-in and birthdays; 0 switches a way to earn off."""

    __tablename__ = "earning_settings"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    signup_points: Mapped[int] = mapped_column(Integer, default=0)
    newsletter_points: Mapped[int] = mapped_column(Integer, default=0)
    birthday_points: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BirthdayRecord(Base):
    """When a member last set their birthday (the date also lives on the member); locks changes for a year."""

    __tablename__ = "birthday_records"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    birthday: Mapped[date] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
