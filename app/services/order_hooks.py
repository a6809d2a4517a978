"""What else happens inside an order's or a new member's transaction: one explicit list per event.

Each hook takes the open session and the locked rows and must not do network I/O (DESIGN §3):
side effects go to the outbox. Inside `importing_history` (`loyalty import`), the hooks know that what they see is
history: it is recorded (a tier is set), but not announced or rewarded as news (no tier email, no next-purchase
coupon, no join hooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Shop
from app.repositories.records import MemberRecord, OrderRecord

OrderHook = Callable[[Session, Shop, MemberRecord, OrderRecord, datetime], None]
JoinHook = Callable[[Session, Shop, MemberRecord, datetime], None]
_HISTORY = "loyalty.importing_history"


@contextmanager
def importing_history(session: Session) -> Iterator[None]:
    """Within the block, what this session's transaction writes is imported history (see the module's docstring)."""
    session.info[_HISTORY] = True
    try:
        yield
    finally:
        session.info.pop(_HISTORY, None)


def is_history(session: Session) -> bool:
    """Whether the session is writing imported history (`importing_history`)."""
    return bool(session.info.get(_HISTORY))


def order_hooks() -> list[OrderHook]:
    """Hooks run after every reconciliation of a member's order, in this order."""
    from app.services import coupon_lifecycle, earning_events, referrals
    from app.services.messages import order_messages_hook
    from app.services.next_purchase import issue_next_purchase_coupon
    from app.services.tier_changes import upgrade_tier_on_order

    rewards_hooks: list[OrderHook] = [coupon_lifecycle.mark_used_coupons, coupon_lifecycle.deactivate_order_coupons,
                                      issue_next_purchase_coupon, upgrade_tier_on_order]
    return [*rewards_hooks, order_messages_hook, referrals.on_order, earning_events.award_newsletter_on_order]


def join_hooks() -> list[JoinHook]:
    """Hooks run once when a member is created."""
    from app.services import earning_events
    from app.services.referrals import codes as referral_codes

    return [referral_codes.join_hook, earning_events.award_signup]


def run_order_hooks(session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime) -> None:
    for hook in order_hooks():
        hook(session, shop, member, order, now)


def run_join_hooks(session: Session, shop: Shop, member: MemberRecord, now: datetime) -> None:
    if is_history(session):
        return  # a customer of the past joins nothing now: no signup bonus for history, as the customer file's import
    for hook in join_hooks():
        hook(session, shop, member, now)
