"""Members of one shop as ORM rows (the order path locks and writes records: member_records)."""

from __future__ import annotations

import re

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.db_text import fold, folded
from app.models import Member
from app.repositories.base import transaction_cache

SEARCH_WORD_BREAKS = re.compile(r"[\s,]+")


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
        """Members whose email or name contains every word of `text`, in any order and field ("Schröder, Lena" and
        "lena schroder" find Lena Schröder; commas are ignored): case- and accent-insensitive alike on SQLite and
        PostgreSQL (app.db_text), `%` and `_` are just characters. The admin's member search."""
        words = dict.fromkeys(fold(word) for word in SEARCH_WORD_BREAKS.split(text) if word)
        # One text per member, its fields apart by a space no word contains, so that a word matches within one
        # field. Each field is folded on its own: most are ASCII (emails, many names), and folding those is lower().
        haystack = (folded(func.coalesce(Member.email, "")) + " " + folded(func.coalesce(Member.first_name, ""))
                    + " " + folded(func.coalesce(Member.last_name, "")))
        return and_(true(), *(haystack.contains(word, autoescape=True) for word in words))
