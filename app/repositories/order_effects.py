"""What a refund or cancellation takes back of an order's effects: its pending emails and unused coupons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.domain.rewards import LIVE_COUPONS
from app.models import Coupon, OutboxMessage
from app.models.types import UTCDateTime
from app.repositories.statements import table_of

_OUTBOX = table_of(OutboxMessage)
_COUPONS = table_of(Coupon)

# Equalities rather than IN (…): prebuilt statements bind each value once (see db_statements).
_CANCEL_MESSAGES = sql.Statement(lambda _: update(_OUTBOX).where(
    _OUTBOX.c.shop_id == bindparam("shop_id"), _OUTBOX.c.order_id == bindparam("order_id"),
    _OUTBOX.c.status == "pending",
# The binds carry their columns' types (a bind used twice gets none by itself): dates stay aware UTC on SQLite.
).values(status="cancelled", last_error=bindparam("reason"), updated_at=bindparam("now", type_=UTCDateTime())))
_DEACTIVATE_COUPONS = sql.Statement(lambda _: update(_COUPONS).where(
    _COUPONS.c.shop_id == bindparam("shop_id"), _COUPONS.c.order_id == bindparam("order_id"),
    or_(*(_COUPONS.c.status == status for status in LIVE_COUPONS)),
).values(status="deactivated", next_attempt_at=bindparam("now", type_=UTCDateTime()),
         updated_at=bindparam("now", type_=UTCDateTime())))


class OrderEffects:
    """Every write here is scoped to one shop and one order; the caller holds the order's lock."""

    def __init__(self, session: Session, shop_id: int, order_id: int) -> None:
        self.session = session
        self.key = {"shop_id": shop_id, "order_id": order_id}

    def cancel_pending_messages(self, reason: str, now: datetime) -> int:
        """Cancel the order's messages not sent yet; how many."""
        return sql.execute(self.session, _CANCEL_MESSAGES, {**self.key, "reason": reason, "now": now})

    def deactivate_live_coupons(self, now: datetime) -> int:
        """Mark the order's unused coupons to be taken back at the shop (the coupon job deactivates them there)."""
        return sql.execute(self.session, _DEACTIVATE_COUPONS, {**self.key, "now": now})
