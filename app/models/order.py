"""Orders as last seen, with the earning rules snapshotted at first payment, and their refunds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, func, literal_column, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, MoneyType, UTCDateTime


class Order(Base):
    """One order of a shop. `points_earned` caches the ledger sum posted for this order."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_ref"),
        Index("ix_orders_shop_member", "shop_id", "member_id"),
        # Email lookups compare lower(email) (guest orders joining a member, a member found by email): indexed so.
        Index("ix_orders_shop_lower_email", "shop_id", func.lower(literal_column("email"))),
        Index("ix_orders_shop_created", "shop_id", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_ref: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(64), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    financial_status: Mapped[str] = mapped_column(String(32), default="")
    is_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    taxes_included: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snapshot_at: Mapped[datetime] = mapped_column(UTCDateTime())
    merchandise: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    shipping: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    tax: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    refunded_merchandise: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    refunded_shipping: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    refunded_tax: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    refunded_total: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"))
    discount_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    line_items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    shipping_address_key: Mapped[str | None] = mapped_column(String(64))
    earn_rules: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def net_total(self) -> Decimal:
        return self.total - self.refunded_total


class OrderRefund(Base):
    """A refund seen in an order snapshot or a refunds/create delivery; merged by its platform id."""

    __tablename__ = "order_refunds"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_id", "refund_ref"),
        Index("ix_order_refunds_unitemised", "shop_id", "refunded_at",
              postgresql_where=text("NOT itemised"), sqlite_where=text("NOT itemised")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    refund_ref: Mapped[str] = mapped_column(String(64))
    lines_amount: Mapped[Decimal] = mapped_column(MoneyType())
    lines_tax: Mapped[Decimal] = mapped_column(MoneyType())
    shipping: Mapped[Decimal] = mapped_column(MoneyType())
    shipping_tax: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0"), server_default="0")
    total: Mapped[Decimal] = mapped_column(MoneyType())
    refunded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # False while only the refund's total is known (WooCommerce's order payload): the worker fetches its lines.
    itemised: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
