"""Builders for neutral snapshots, so service tests read like the business case they check."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.domain.snapshots import CustomerSnapshot, OrderSnapshot, RefundSnapshot

D = Decimal


def customer(ref: str = "7001", email: str = "juergen.weiss@example.de", **kw: Any) -> CustomerSnapshot:
    return CustomerSnapshot(
        customer_ref=ref,
        email=email,
        first_name=kw.pop("first_name", "Jürgen"),
        last_name=kw.pop("last_name", "Weiß"),
        **kw,
    )


def order(
    ref: str = "5001",
    *,
    at: datetime,
    merchandise: str = "100.00",
    shipping: str = "4.90",
    tax: str = "0.00",
    paid: bool = True,
    cancelled: bool = False,
    version: timedelta = timedelta(0),
    buyer: CustomerSnapshot | None = None,
    guest_email: str | None = None,
    refunds: tuple[RefundSnapshot, ...] = (),
    **kw: Any,
) -> OrderSnapshot:
    total = D(merchandise) + D(shipping) + D(tax)
    return OrderSnapshot(
        order_ref=ref,
        name=f"#{ref}",
        currency="EUR",
        created_at=at,
        updated_at=at + version,
        is_paid=paid,
        is_cancelled=cancelled,
        merchandise=D(merchandise),
        shipping=D(shipping),
        tax=D(tax),
        total=total,
        customer=buyer if guest_email is None else None,
        email=guest_email or (buyer.email if buyer else None),
        paid_at=at if paid else None,
        cancelled_at=at + version if cancelled else None,
        financial_status="paid" if paid else "pending",
        refunds=refunds,
        **kw,
    )


def refund(
    order_ref: str = "5001",
    ref: str = "9001",
    *,
    lines: str = "0",
    shipping: str = "0",
    total: str | None = None,
    at: datetime | None = None,
) -> RefundSnapshot:
    amount = D(total) if total is not None else D(lines) + D(shipping)
    return RefundSnapshot(
        order_ref=order_ref,
        refund_ref=ref,
        lines_amount=D(lines),
        lines_tax=D("0"),
        shipping=D(shipping),
        total=amount,
        created_at=at,
    )
