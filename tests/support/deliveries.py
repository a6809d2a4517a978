"""Feed neutral events through the real intake service, as a verified webhook would."""

from __future__ import annotations

import uuid
from typing import Any

from app.container import Container
from app.domain.snapshots import Delivery, Event
from app.models import Member, Shop
from app.repositories import MemberRepository
from app.services.intake import IntakeResult, receive_delivery


def deliver(container: Container, shop: Shop, event: Event, delivery_id: str | None = None) -> IntakeResult:
    delivery = Delivery(
        platform=shop.platform,
        shop_domain=shop.domain,
        delivery_id=delivery_id or uuid.uuid4().hex,
        topic=type(event).__name__,
        body=b"{}",
        event=event,
    )
    return receive_delivery(container.uow(), delivery, container.clock.now())


def member_by_email(container: Container, shop: Shop, email: str) -> Member:
    with container.uow() as uow:
        member = MemberRepository(uow.session, shop.id).get_by_email(email)
        assert member is not None, f"no member {email}"
        return member


def ledger_ok(container: Container) -> Any:
    from app.services.ledger_audit import verify_ledger

    checked, problems = verify_ledger(container.uow())
    assert problems == [], problems
    return checked
