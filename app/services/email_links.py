"""Signed links in emails: the review page (expiring) and unsubscribe (lasting), via itsdangerous.

A link names its shop by id **and domain**. The id alone does not name one shop for good: SQLite gives a deleted
shop's id to the next shop added, so an old email's link would act on that newcomer (with its order, member or
address of the same id). The domain is what admin sessions bind to as well (`admin_sessions.AdminIdentity`): it
never changes for a shop row and tells two shops apart, and it is readable, short enough for a URL, and needs no
new column. The one case it cannot tell apart is a shop deleted and installed again under the *same* domain, the
same merchant's storefront.

Links sent before the domain was added (review `[shop, order, member, expires]`, unsubscribe `[shop, email,
member]`) are still accepted, as an unsubscribe link must keep working for good: they keep the id-only binding
they were signed with (their `shop_domain` reads as None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from app.domain.errors import InvalidLink
from app.models import Shop

REVIEW_SALT = "loyalty.review-link"
UNSUBSCRIBE_SALT = "loyalty.unsubscribe-link"


@dataclass(frozen=True)
class ReviewLink:
    """Who may review which order; `shop_domain` None: a link signed before links named the domain."""

    shop_id: int
    order_id: int
    member_id: int
    shop_domain: str | None


@dataclass(frozen=True)
class UnsubscribeLink:
    """Whose address to unsubscribe from which shop; `shop_domain` None: an old link (id only)."""

    shop_id: int
    email: str
    member_id: int | None
    shop_domain: str | None


class LinkExpired(InvalidLink):
    """A review link signed by us whose time is up; `link` says whose it was (its page may name the shop)."""

    message = "This link has expired."

    def __init__(self, link: ReviewLink) -> None:
        super().__init__()
        self.link = link


def review_token(secret: str, link: ReviewLink, expires_at: datetime) -> str:
    """A signed token for `/reviews/<token>` that stops working at `expires_at` (checked against the clock)."""
    payload = [link.shop_id, link.order_id, link.member_id, int(expires_at.timestamp()), _required(link.shop_domain)]
    return _serializer(secret, REVIEW_SALT).dumps(payload)


def read_review_token(secret: str, token: str, now: datetime) -> ReviewLink:
    """The link behind a review token; InvalidLink when forged or malformed, LinkExpired when its time is up."""
    try:
        shop_id, order_id, member_id, expires, *domain = _serializer(secret, REVIEW_SALT).loads(token)
        link = ReviewLink(int(shop_id), int(order_id), int(member_id), _domain(domain))
        expires_at = int(expires)
    except (BadSignature, ValueError, TypeError) as exc:
        raise InvalidLink() from exc
    if now.timestamp() > expires_at:
        raise LinkExpired(link)
    return link


def unsubscribe_token(secret: str, link: UnsubscribeLink) -> str:
    """A lasting token for `/unsubscribe/<token>` (an old email's link must still work)."""
    payload = [link.shop_id, link.email, link.member_id, _required(link.shop_domain)]
    return _serializer(secret, UNSUBSCRIBE_SALT).dumps(payload)


def read_unsubscribe_token(secret: str, token: str) -> UnsubscribeLink:
    """The link behind an unsubscribe token, or InvalidLink."""
    try:
        shop_id, email, member_id, *domain = _serializer(secret, UNSUBSCRIBE_SALT).loads(token)
        member = int(member_id) if member_id is not None else None
        return UnsubscribeLink(int(shop_id), str(email), member, _domain(domain))
    except (BadSignature, ValueError, TypeError) as exc:
        raise InvalidLink() from exc


def shop_of(session: Session, link: ReviewLink | UnsubscribeLink) -> Shop | None:
    """The shop a link was signed for, or None when it is gone or its id now belongs to another shop."""
    shop = session.get(Shop, link.shop_id)
    if shop is None or (link.shop_domain is not None and shop.domain != link.shop_domain):
        return None
    return shop


def _required(domain: str | None) -> str:
    if not domain:
        raise ValueError("a new link names its shop's domain")
    return domain


def _domain(rest: list[Any]) -> str | None:
    # What follows the old shape: nothing (an old link) or the shop's domain.
    if not rest:
        return None
    if len(rest) != 1 or not isinstance(rest[0], str):
        raise ValueError("unexpected link payload")
    return rest[0]


@lru_cache(maxsize=64)
def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    # Built once per (secret, salt): making one derives its signer setup again (~30 µs per outbox message).
    return URLSafeSerializer(secret, salt=salt)
