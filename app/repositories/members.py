"""Members of one shop."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.models import Member
from app.repositories.base import insert_ignore, locking_upsert, transaction_cache


class MemberRepository:
    """Every read and write here is scoped to one shop."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def get(self, member_id: int) -> Member | None:
        return self.session.scalars(
            select(Member).where(Member.shop_id == self.shop_id, Member.id == member_id)
        ).first()

    def get_for_update(self, member_id: int) -> Member | None:
        """The member row, locked. A row this transaction already locked is returned as it is, unreloaded:
        nobody else can have changed it, and reloading would drop this transaction's unflushed changes."""
        held = self._locked().get(member_id)
        if held is not None:
            return held
        member = self.session.scalars(
            select(Member)
            .where(Member.shop_id == self.shop_id, Member.id == member_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if member is not None:
            self._locked()[member.id] = member
        return member

    def _locked(self) -> dict[int, Member]:
        # Row locks last until the transaction ends, so the record is kept per transaction.
        return transaction_cache(self.session, "locked_members")

    def get_by_customer_ref(self, customer_ref: str) -> Member | None:
        return self.session.scalars(
            select(Member).where(Member.shop_id == self.shop_id, Member.customer_ref == customer_ref)
        ).first()

    def get_by_email(self, email: str) -> Member | None:
        return self.session.scalars(
            select(Member)
            .where(Member.shop_id == self.shop_id, func.lower(Member.email) == email.strip().lower())
            .order_by(Member.id)
        ).first()

    def ensure_by_customer_ref(
        self, customer_ref: str, email: str | None, now: datetime
    ) -> tuple[Member, bool]:
        """The member for this customer, locked; created on first sight. True when it was created now."""
        for held in self._locked().values():
            if held.customer_ref == customer_ref:
                return held, False  # already locked by this transaction: keep its unflushed changes
        values = {
            "shop_id": self.shop_id,
            "customer_ref": customer_ref,
            "email": email,
            "joined_at": now,
            "updated_at": now,
            "balance": 0,
            "pending": 0,
            "lifetime_points": 0,
            "accepts_marketing": False,
        }
        if self.session.get_bind().dialect.name == "postgresql":
            # One round trip: the upsert locks an existing row as SELECT … FOR UPDATE would, and xmax = 0
            # tells a row inserted now from one that was there.
            key = ("shop_id", "customer_ref")
            upsert = locking_upsert("postgresql", Member, tuple(values), key, tell_inserted=True)
            row = self.session.execute(upsert, values, execution_options={"populate_existing": True}).one()
            member, created = row[0], bool(row[1])
        else:
            created = insert_ignore(self.session, Member, values, ("shop_id", "customer_ref"))
            member = self.session.scalars(
                select(Member)
                .where(Member.shop_id == self.shop_id, Member.customer_ref == customer_ref)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one()
        self._locked()[member.id] = member
        return member, created

    @staticmethod
    def matching(text: str) -> ColumnElement[bool]:
        """Members whose email or name contains `text` (case-insensitive): the admin's member search."""
        like = f"%{text.strip().lower()}%"
        return (
            func.lower(Member.email).like(like)
            | func.lower(Member.first_name).like(like)
            | func.lower(Member.last_name).like(like)
        )

