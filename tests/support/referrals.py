"""Referral test helpers: a referrer, a friend who orders through their invitation, the hold passing."""

from __future__ import annotations

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.services import referrals
from tests.support import snapshots as s
from tests.support.deliveries import deliver, member_by_email

REFERRER = s.customer("7001", "juergen.weiss@example.de", locale="de")
FRIEND = s.customer("7002", "anna.schmidt@example.de", first_name="Anna", last_name="Schmidt")


def refer_a_friend_who_orders(container: Container, shop: Shop, clock: FixedClock, settle: bool = True) -> None:
    """REFERRER invites FRIEND, FRIEND's first order is paid; with `settle`, the hold passes and it is settled."""
    deliver(container, shop, REFERRER)
    referrer = member_by_email(container, shop, REFERRER.email or "")
    with container.uow() as uow:
        code = referrals.codes.code_for_member(uow.session, shop.id, referrer.id)
    assert code is not None
    referrals.record_referral(container.uow(), shop.id, code, clock.now(), email=FRIEND.email)
    deliver(container, shop, s.order("5002", at=clock.now(), buyer=FRIEND))
    if settle:
        clock.advance(days=15)
        assert referrals.settle_referrals(container.uow, clock.now()) == 1
