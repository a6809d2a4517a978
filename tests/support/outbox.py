"""Helpers for email tests: a recording mailer in the container, running the jobs, reading the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from app.container import Container
from app.mail.base import Mailer, RecordingMailer
from app.models import Member, OutboxMessage, Shop
from app.services.dispatch import DispatchResult, DispatchSettings, dispatch_due
from app.services.email_content import LinkBase
from app.services.email_settings import update_config
from app.services.review_requests import schedule_review_messages


@pytest.fixture(name="mailer")
def mailer_fixture(container: Container) -> RecordingMailer:
    """The container's mailer replaced by one that records what it is given."""
    recording = RecordingMailer()
    container.ports["mailer"] = recording
    return recording


def dispatch_settings(container: Container, **kw: Any) -> DispatchSettings:
    links = LinkBase(container.settings.public_url, container.settings.secret_key)
    return DispatchSettings(sender="Kaffeerösterei <shop@kaffee.example>", links=links, **kw)


def dispatch(container: Container, mailer: Mailer | None = None, **kw: Any) -> DispatchResult:
    """One run of the dispatch job at the container's clock."""
    return dispatch_due(container.uow, mailer or container.mailer, dispatch_settings(container, **kw),
                        container.clock.now())


def schedule_reviews(container: Container) -> dict[str, int]:
    return schedule_review_messages(container.uow, container.clock.now())


def messages(container: Container, shop: Shop, kind: str | None = None) -> list[OutboxMessage]:
    with container.uow() as uow:
        query = select(OutboxMessage).where(OutboxMessage.shop_id == shop.id).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(uow.session.scalars(query))


def configure(container: Container, shop: Shop, **changes: Any) -> None:
    update_config(container.uow(), shop.id, changes, container.clock.now())


def set_member(container: Container, member_id: int, **values: Any) -> None:
    with container.uow() as uow:
        uow.session.execute(update(Member).where(Member.id == member_id).values(**values))
        uow.commit()


def sent_to(mailer: RecordingMailer, kind_subject_part: str) -> list[Any]:
    return [m for m in mailer.sent if kind_subject_part in str(m["Subject"])]


def review_path(mailer: RecordingMailer) -> str:
    """The /reviews/<token> path from the last review email sent."""
    import re

    for message in reversed(mailer.sent):
        match = re.search(r"https?://[^/\s]+(/reviews/[A-Za-z0-9._-]+)", message.get_body(("plain",)).get_content())
        if match:
            return match.group(1)
    raise AssertionError("no review email was sent")


def request_review(container: Container, shop: Shop, mailer: RecordingMailer, buyer: Any, **order_kw: Any) -> str:
    """A paid order of `buyer`, the review request sent 7 days later; returns the review link's path."""

    from tests.support.deliveries import deliver
    from tests.support.snapshots import order

    clock = container.clock
    deliver(container, shop, order(at=clock.now(), buyer=buyer, **order_kw))  # type: ignore[attr-defined]
    clock.advance(days=7, minutes=1)  # type: ignore[attr-defined]
    schedule_reviews(container)
    dispatch(container, mailer)
    return review_path(mailer)
