"""Signed links in emails: the review page (expiring) and unsubscribe (lasting), via itsdangerous."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer

from app.domain.errors import InvalidLink

REVIEW_SALT = "loyalty.review-link"
UNSUBSCRIBE_SALT = "loyalty.unsubscribe-link"


@dataclass(frozen=True)
class ReviewLink:
    """Who may review which order."""

    shop_id: int
    order_id: int
    member_id: int


@dataclass(frozen=True)
class UnsubscribeLink:
    """Whose address to unsubscribe from which shop."""

    shop_id: int
    email: str
    member_id: int | None


def review_token(secret: str, link: ReviewLink, expires_at: datetime) -> str:
    """A signed token for `/reviews/<token>` that stops working at `expires_at` (checked against the clock)."""
    payload = [link.shop_id, link.order_id, link.member_id, int(expires_at.timestamp())]
    return _serializer(secret, REVIEW_SALT).dumps(payload)


def read_review_token(secret: str, token: str, now: datetime) -> ReviewLink:
    """The link behind a review token, or InvalidLink when forged, malformed or expired."""
    try:
        shop_id, order_id, member_id, expires = _serializer(secret, REVIEW_SALT).loads(token)
        link = ReviewLink(int(shop_id), int(order_id), int(member_id))
    except (BadSignature, ValueError, TypeError) as exc:
        raise InvalidLink() from exc
    if now.timestamp() > int(expires):
        raise InvalidLink("This link has expired.")
    return link


def unsubscribe_token(secret: str, link: UnsubscribeLink) -> str:
    """A lasting token for `/unsubscribe/<token>` (an old email's link must still work)."""
    return _serializer(secret, UNSUBSCRIBE_SALT).dumps([link.shop_id, link.email, link.member_id])


def read_unsubscribe_token(secret: str, token: str) -> UnsubscribeLink:
    """The link behind an unsubscribe token, or InvalidLink."""
    try:
        shop_id, email, member_id = _serializer(secret, UNSUBSCRIBE_SALT).loads(token)
        return UnsubscribeLink(int(shop_id), str(email), int(member_id) if member_id is not None else None)
    except (BadSignature, ValueError, TypeError) as exc:
        raise InvalidLink() from exc


@lru_cache(maxsize=64)
def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    # Built once per (secret, salt): making one derives its signer setup again (~30 µs per outbox message).
    return URLSafeSerializer(secret, salt=salt)
