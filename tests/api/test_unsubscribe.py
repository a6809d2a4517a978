"""`/unsubscribe/<token>` from an email: a confirmation page, and the RFC 8058 one-click POST, no login."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import EmailUnsubscribe
from app.services.email_settings import CATEGORY
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.outbox import configure, dispatch, mailer_fixture  # noqa: F401
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


def test_following_the_link_again_after_unsubscribing_says_it_is_done_instead_of_asking_again(
    client, container, shopify_shop, mailer
):
    path = _unsubscribe_path(container, shopify_shop, mailer)
    client.post(path)

    page = client.get(path).get_data(as_text=True)

    assert 'data-testid="unsubscribe-done"' in page
    assert 'data-testid="unsubscribe-confirm"' not in page
    assert _unsubscribed(container) == [BUYER.email]


def test_the_done_page_leads_on_to_the_shop(client, container, shopify_shop, mailer):
    path = _unsubscribe_path(container, shopify_shop, mailer)

    page = client.post(path).get_data(as_text=True)

    assert ('<a href="https://kaffee-mueller.myshopify.com" data-testid="unsubscribe-shop-link">'
            "Weiter zu Kaffeerösterei Müller</a>") in page


def test_a_forged_link_changes_nothing(client, container, shopify_shop, mailer):
    path = _unsubscribe_path(container, shopify_shop, mailer)

    response = client.post(path[:-4] + "abcd")

    assert response.status_code == 404
    assert _unsubscribed(container) == []


# What unsubscribing keeps, in the words of the footer, the question and the done page: the transactional kinds.
KEPT = {"de": "außer Bestell- und Gutscheinbestätigungen", "en": "except order and coupon confirmations"}
OLD_WORDS = ("dieser Art", "like this", "Bewertungsanfragen, Erinnerungen und Neuigkeiten",
             "review requests, reminders and news")


def test_only_order_and_coupon_emails_are_transactional_as_the_unsubscribe_texts_say():
    assert sorted(kind for kind, category in CATEGORY.items() if category == "transactional") == [
        "reward_issued", "thank_you"]


@pytest.mark.parametrize(("locale", "address"), [("de", "du"), ("de", "sie"), ("en", "du")])
def test_the_footer_the_question_and_the_done_page_name_the_same_kinds(  # type: ignore[no-untyped-def]
    client, container, shopify_shop, mailer, locale, address
):
    configure(container, shopify_shop, german_address=address)
    deliver(container, shopify_shop, order(at=START, buyer=customer(first_name="Jürgen", locale=locale)))
    dispatch(container)
    footer = mailer.sent[0].get_body(("plain",)).get_content().rsplit("--", 1)[1]
    footer_html = mailer.sent[0].get_body(("html",)).get_content().rsplit("</table>", 2)[1]
    path = re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", footer).group(1)  # type: ignore[union-attr]

    question = client.get(path).get_data(as_text=True)
    done = client.post(path).get_data(as_text=True)

    no_more = {"de": "E-Mails mehr", "en": "no more emails"}[locale]
    for text in (footer, footer_html, question, done):
        assert KEPT[locale] in text
        assert no_more in text.replace("No more", "no more")
        assert [words for words in OLD_WORDS if words in text] == []
    assert 'data-testid="unsubscribe-done"' in done
    assert _unsubscribed(container) == [BUYER.email]


def test_an_address_unsubscribed_by_mistake_subscribes_again_from_the_done_page(
    client, container, shopify_shop, mailer
):
    path = _unsubscribe_path(container, shopify_shop, mailer)
    done = client.post(path).get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)">', done).group(1)  # type: ignore[union-attr]

    page = client.post(action)

    assert action == f"{path}/resubscribe"
    assert page.status_code == 200
    assert "Du bist wieder angemeldet und bekommst alle E-Mails von Kaffeerösterei Müller." in page.get_data(
        as_text=True)
    assert _unsubscribed(container) == []
    assert 'data-testid="unsubscribe-confirm"' in client.get(path).get_data(as_text=True)  # it asks again


def test_a_forged_link_cannot_subscribe_anyone_again(client, container, shopify_shop, mailer):
    path = _unsubscribe_path(container, shopify_shop, mailer)
    client.post(path)

    response = client.post(f"{path[:-3]}xyz/resubscribe")

    assert response.status_code == 404
    assert _unsubscribed(container) == [BUYER.email]
