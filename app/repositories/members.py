"""Members of one shop as ORM rows (the order path locks and writes records: member_records)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.models import Member
from app.repositories.base import transaction_cache


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

    @staticmethod
    def matching(text: str) -> ColumnElement[bool]:
        """Members whose email or name contains `text` (case-insensitive; `%` and `_` are just characters): the
        admin's member search."""
        typed = text.strip().lower()
        return (
            func.lower(Member.email).contains(typed, autoescape=True)
            | func.lower(Member.first_name).contains(typed, autoescape=True)
            | func.lower(Member.last_name).contains(typed, autoescape=True)
        )

