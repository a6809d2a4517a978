"""Signed email links name their shop by id and domain; links signed before the domain was added still read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from app.domain.errors import InvalidLink
from app.services.email_links import (
    REVIEW_SALT,
    UNSUBSCRIBE_SALT,
    LinkExpired,
    ReviewLink,
    UnsubscribeLink,
    read_review_token,
    read_unsubscribe_token,
    review_token,
    unsubscribe_token,
)

SECRET = "test-secret"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DOMAIN = "kaffee-mueller.myshopify.com"


def _old_shape(salt: str, payload: list[object]) -> str:
    # What emails sent before links named the domain carry: the same signer, the shorter payload.
    return URLSafeSerializer(SECRET, salt=salt).dumps(payload)


def test_a_review_link_reads_back_with_its_shops_domain():
    link = ReviewLink(3, 41, 7, DOMAIN)

    token = review_token(SECRET, link, NOW + timedelta(days=60))

    assert read_review_token(SECRET, token, NOW) == link


def test_an_unsubscribe_link_reads_back_with_its_shops_domain():
    link = UnsubscribeLink(3, "fan@example.de", None, DOMAIN)

    assert read_unsubscribe_token(SECRET, unsubscribe_token(SECRET, link)) == link


def test_a_review_link_signed_before_links_named_the_domain_reads_with_no_domain():
    expires = int((NOW + timedelta(days=1)).timestamp())

    link = read_review_token(SECRET, _old_shape(REVIEW_SALT, [3, 41, 7, expires]), NOW)

    assert link == ReviewLink(3, 41, 7, None)


def test_an_unsubscribe_link_signed_before_links_named_the_domain_reads_with_no_domain():
    link = read_unsubscribe_token(SECRET, _old_shape(UNSUBSCRIBE_SALT, [3, "fan@example.de", 7]))

    assert link == UnsubscribeLink(3, "fan@example.de", 7, None)


def test_an_expired_review_link_says_whose_it_was():
    token = review_token(SECRET, ReviewLink(3, 41, 7, DOMAIN), NOW - timedelta(seconds=1))

    with pytest.raises(LinkExpired) as expired:
        read_review_token(SECRET, token, NOW)

    assert expired.value.link == ReviewLink(3, 41, 7, DOMAIN)


@pytest.mark.parametrize("payload", [[3, 41, 7, 2**40, 5], [3, 41, 7, 2**40, DOMAIN, "x"], [3, 41], {"shop": 3}])
def test_a_signed_review_payload_of_another_shape_is_not_a_valid_link(payload):
    with pytest.raises(InvalidLink) as refused:
        read_review_token(SECRET, _old_shape(REVIEW_SALT, payload), NOW)

    assert not isinstance(refused.value, LinkExpired)


def test_a_new_link_cannot_be_made_without_the_shops_domain():
    with pytest.raises(ValueError, match="domain"):
        unsubscribe_token(SECRET, UnsubscribeLink(3, "fan@example.de", 7, None))
