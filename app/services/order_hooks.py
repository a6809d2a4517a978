"""What else happens inside an order's or a new member's transaction: one explicit list per event.

Each hook takes the open session and the locked rows and must not do network I/O (DESIGN §3):
side effects go to the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Member, Order, Shop

OrderHook = Callable[[Session, Shop, Member, Order, datetime], None]
JoinHook = Callable[[Session, Shop, Member, datetime], None]


def order_hooks() -> list[OrderHook]:
    """Hooks run after every reconciliation of a member's order, in this order."""
    return []


def join_hooks() -> list[JoinHook]:
    """Hooks run once when a member is created."""
    return []


def run_order_hooks(session: Session, shop: Shop, member: Member, order: Order, now: datetime) -> None:
    for hook in order_hooks():
        hook(session, shop, member, order, now)


def run_join_hooks(session: Session, shop: Shop, member: Member, now: datetime) -> None:
    for hook in join_hooks():
        hook(session, shop, member, now)
