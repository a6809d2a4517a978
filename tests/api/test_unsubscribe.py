"""`/unsubscribe/<token>` from an email: a confirmation page, and the RFC 8058 one-click POST, no login."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.models import EmailUnsubscribe
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401
from tests.support.snapshots import customer, order

BUYER = customer(first_name="Jürgen")


def _unsubscribe_path(container, shop, mailer) -> str:  # type: ignore[no-untyped-def]
    deliver(container, shop, order(at=START, buyer=BUYER))
    dispatch(container)
    footer = mailer.sent[0].get_body(("plain",)).get_content()  # the thank-you's footer link
    return re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", footer).group(1)  # type: ignore[union-attr]


def _unsubscribed(container) -> list[str]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return [row.email for row in uow.session.scalars(select(EmailUnsubscribe))]


def test_following_the_link_only_asks_and_changes_nothing(client, container, shopify_shop, mailer):
    path = _unsubscribe_path(container, shopify_shop, mailer)

    page = client.get(path)

    assert page.status_code == 200
    assert "juergen.weiss@example.de" in page.get_data(as_text=True)
    assert _unsubscribed(container) == []


def test_one_click_post_unsubscribes_without_a_login(client, container, shopify_shop, mailer):
    path = _unsubscribe_path(container, shopify_shop, mailer)

    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    again = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert (response.status_code, again.status_code) == (200, 200)
    assert _unsubscribed(container) == [BUYER.email]


def test_a_forged_link_changes_nothing(client, container, shopify_shop, mailer):
    path = _unsubscribe_path(container, shopify_shop, mailer)

    response = client.post(path[:-4] + "abcd")

    assert response.status_code == 404
    assert _unsubscribed(container) == []
