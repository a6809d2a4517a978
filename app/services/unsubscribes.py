"""Unsubscribing through the signed link in every email (RFC 8058 one-click works without a login)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.domain.errors import InvalidLink
from app.domain.shops import storefront_url
from app.i18n import pick_locale
from app.models import EmailUnsubscribe, Member, OutboxMessage, Shop
from app.repositories import insert_ignore
from app.services.email_links import UnsubscribeLink, read_unsubscribe_token, shop_of
from app.services.email_settings import CATEGORY, get_config
from app.uow import UnitOfWork


@dataclass(frozen=True)
class UnsubscribeTarget:
    """Who the link unsubscribes, and in which language to ask."""

    shop_name: str
    email: str
    locale: str
    formal: bool = False  # the shop addresses its customers as "Sie" (German)
    unsubscribed: bool = False  # the address is unsubscribed already (a second visit of the link says so)
    shop_url: str = ""  # where the page leads on to once done


def unsubscribe_target(uow: UnitOfWork, secret: str, token: str) -> UnsubscribeTarget:
    """What the confirmation page shows; InvalidLink for a bad token, or a shop that is gone or not the link's."""
    with uow:
        link, shop = _linked_shop(uow.session, secret, token)
        return _target(uow.session, shop, link.email, link.member_id)


def unsubscribe(uow: UnitOfWork, secret: str, token: str, source: str, now: datetime) -> UnsubscribeTarget:
    """Record the objection (idempotent) and cancel the address's pending non-transactional messages."""
    with uow:
        link, shop = _linked_shop(uow.session, secret, token)
        email = link.email.strip().lower()
        insert_ignore(uow.session, EmailUnsubscribe, {
            "shop_id": shop.id, "member_id": link.member_id, "email": email, "source": source, "created_at": now,
        }, ("shop_id", "email"))
        optional_kinds = [kind for kind, category in CATEGORY.items() if category != "transactional"]
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.shop_id == shop.id, OutboxMessage.to_email == email,
                   OutboxMessage.status == "pending", OutboxMessage.kind.in_(optional_kinds))
            .values(status="cancelled", last_error="unsubscribed", updated_at=now)
        )
        target = _target(uow.session, shop, email, link.member_id)
        uow.commit()
        return target


def resubscribe(uow: UnitOfWork, secret: str, token: str) -> UnsubscribeTarget:
    """Take back the link's objection (a mis-click): the address gets every email again from now on; messages
    cancelled by unsubscribing stay cancelled. InvalidLink as for `unsubscribe`."""
    with uow:
        link, shop = _linked_shop(uow.session, secret, token)
        email = link.email.strip().lower()
        uow.session.execute(delete(EmailUnsubscribe).where(EmailUnsubscribe.shop_id == shop.id,
                                                           EmailUnsubscribe.email == email))
        target = _target(uow.session, shop, email, link.member_id)
        uow.commit()
        return target


def _linked_shop(session: Session, secret: str, token: str) -> tuple[UnsubscribeLink, Shop]:
    # The link's own shop: InvalidLink for a bad token, or a shop that is gone or not the link's.
    link = read_unsubscribe_token(secret, token)
    shop = shop_of(session, link)
    if shop is None:
        raise InvalidLink()
    return link, shop


def _target(session: Session, shop: Shop, email: str, member_id: int | None) -> UnsubscribeTarget:
    # in the member's language (else the shop's), addressed as the shop addresses its customers
    member = session.get(Member, member_id) if member_id is not None else None
    locale = pick_locale(member.locale if member is not None and member.shop_id == shop.id else None, shop.locale)
    unsubscribed = session.scalar(select(EmailUnsubscribe.email).where(
        EmailUnsubscribe.shop_id == shop.id, EmailUnsubscribe.email == email.strip().lower())) is not None
    return UnsubscribeTarget(shop.name or shop.domain, email, locale, get_config(session, shop.id).formal,
                             unsubscribed, storefront_url(shop.platform, shop.domain))
