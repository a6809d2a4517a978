"""Members of one shop as locked records: what the order path locks, credits and writes back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.models import Member
from app.repositories.base import transaction_cache
from app.repositories.records import MemberRecord, columns, from_row
from app.repositories.records import save as save_record
from app.repositories.statements import bound, insert_ignore_statement, table_of

_MEMBERS = table_of(Member)
_COLUMNS = [_MEMBERS.c[name] for name in columns(MemberRecord)]
_NEW = ("shop_id", "customer_ref", "email", "joined_at", "updated_at", "balance", "pending", "lifetime_points",
        "accepts_marketing", "first_name", "last_name", "locale")

_LOCK_BY_ID = sql.Statement(lambda _: select(*_COLUMNS).where(
    _MEMBERS.c.shop_id == bindparam("shop_id"), _MEMBERS.c.id == bindparam("member_id")).with_for_update())
_LOCK_BY_CUSTOMER = sql.Statement(lambda _: select(*_COLUMNS).where(
    _MEMBERS.c.shop_id == bindparam("shop_id"), _MEMBERS.c.customer_ref == bindparam("customer_ref")
).with_for_update())
_INSERT = sql.Statement(lambda dialect: insert_ignore_statement(
    dialect, _MEMBERS, _NEW, ("shop_id", "customer_ref")).returning(*_COLUMNS))
_ID_BY_EMAIL = sql.Statement(lambda _: select(_MEMBERS.c.id).where(
    _MEMBERS.c.shop_id == bindparam("shop_id"), func.lower(_MEMBERS.c.email) == bindparam("email")
).order_by(_MEMBERS.c.id).limit(1))


class MemberRecords:
    """Every read and write here is scoped to one shop; callers own the transaction.

    A member locked once in a transaction is the same record for the rest of it: row locks last until the
    transaction ends, and a second copy would lose the first one's unsaved changes.
    """

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def lock(self, member_id: int) -> MemberRecord | None:
        """The member, locked, if it exists in this shop."""
        held = self._held().get(member_id)
        if held is not None:
            return held
        row = sql.first(self.session, _LOCK_BY_ID, {"shop_id": self.shop_id, "member_id": member_id})
        return None if row is None else self.hold(from_row(MemberRecord, row))

    def lock_by_customer(
        self, customer_ref: str, email: str | None, joined_at: datetime, details: dict[str, Any] | None = None
    ) -> tuple[MemberRecord, bool]:
        """The member for this customer, locked; created on first sight (with `details`: first_name, last_name,
        locale, accepts_marketing, updated_at). True when it was created now.

        An existing member is locked by SELECT … FOR UPDATE (no write: the row's triggers stay quiet); a new
        one is inserted, and a concurrent insert of the same customer is waited for and then locked.
        """
        for held in self._held().values():
            if held.customer_ref == customer_ref:
                return held, False
        key = {"shop_id": self.shop_id, "customer_ref": customer_ref}
        row = sql.first(self.session, _LOCK_BY_CUSTOMER, key)
        if row is not None:
            return self.hold(from_row(MemberRecord, row)), False
        values = {**key, "email": email, "joined_at": joined_at, "updated_at": joined_at, "balance": 0,
                  "pending": 0, "lifetime_points": 0, "accepts_marketing": False, "first_name": None,
                  "last_name": None, "locale": None, **(details or {})}
        row = sql.first(self.session, _INSERT, bound(values))
        if row is not None:
            return self.hold(from_row(MemberRecord, row)), True
        row = sql.first(self.session, _LOCK_BY_CUSTOMER, key)
        assert row is not None, "a member that could not be inserted exists"
        return self.hold(from_row(MemberRecord, row)), False

    def id_by_email(self, email: str) -> int | None:
        """The oldest member with this email (case-insensitive), unlocked."""
        row = sql.first(self.session, _ID_BY_EMAIL, {"shop_id": self.shop_id, "email": email.strip().lower()})
        return None if row is None else int(row[0])

    def save(self, member: MemberRecord) -> bool:
        """Write what changed of the locked member."""
        return save_record(self.session, member)

    def _held(self) -> dict[int, MemberRecord]:
        return transaction_cache(self.session, "member_records")

    def hold(self, member: MemberRecord) -> MemberRecord:
        """Keep a member this transaction has locked for the rest of it; one already held stays as it is (it may
        have unsaved changes), and is what this returns."""
        return self._held().setdefault(member.id, member)


def forget_saved(session: Session) -> None:
    """Let go of the transaction's member records (all saved): a long import keeps its memory flat."""
    transaction_cache(session, "member_records").clear()
