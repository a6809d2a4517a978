"""The webhook inbox of one shop: deliveries stored raw, unique by their delivery id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.models import WebhookDelivery
from app.repositories.statements import bound, insert_ignore_statement, table_of

_INBOX = table_of(WebhookDelivery)
_VALUES = ("shop_id", "platform", "delivery_id", "topic", "headers", "body", "status", "attempts", "last_error",
           "received_at", "processed_at")

_STORE = sql.Statement(lambda dialect: insert_ignore_statement(
    dialect, _INBOX, _VALUES, ("shop_id", "delivery_id")).returning(_INBOX.c.id))
_STATUS = sql.Statement(lambda _: select(_INBOX.c.status).where(
    _INBOX.c.shop_id == bindparam("shop_id"), _INBOX.c.delivery_id == bindparam("delivery_id")))


class InboxRepository:
    """Every read and write here is scoped to one shop."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def store(self, values: dict[str, Any]) -> bool:
        """Insert a delivery (_VALUES without shop_id; last_error and processed_at may be left out) unless one
        with its delivery id is stored: True when it was new. Races settle on the unique key."""
        row = {"last_error": None, "processed_at": None, **values, "shop_id": self.shop_id}
        return sql.first(self.session, _STORE, bound(row)) is not None

    def status(self, delivery_id: str) -> str | None:
        """The stored delivery's status, or None."""
        row = sql.first(self.session, _STATUS, {"shop_id": self.shop_id, "delivery_id": delivery_id})
        return None if row is None else str(row[0])

    def get(self, delivery_id: str, *, for_update: bool = False) -> WebhookDelivery | None:
        """The stored delivery as an ORM row (to change it), locked on request."""
        stmt = select(WebhookDelivery).where(
            WebhookDelivery.shop_id == self.shop_id, WebhookDelivery.delivery_id == delivery_id
        )
        return self.session.scalars(stmt.with_for_update() if for_update else stmt).first()
