"""A shop that addresses its customers as "Sie" (email settings) says so in every German text a shopper reads:
the emails, the review and unsubscribe pages, the referral landing page and the widget; "du" is the default."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.services.email_links import UnsubscribeLink, unsubscribe_token
from tests.conftest import START, TEST_SHOPIFY_SECRET
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import configure, dispatch, mailer_fixture, request_review  # noqa: F401
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url

FAN = customer(accepts_marketing=True)
SETTINGS = "/admin/api/emails/settings"


def proxy(client: FlaskClient, shop: Shop, clock: FixedClock, path: str, ref: str | None = FAN.customer_ref,
          **extra: str) -> Any:
    return client.get(proxy_url(path, shop.domain, TEST_SHOPIFY_SECRET, clock.now(), ref, **extra))


def test_the_merchant_chooses_sie_in_the_email_settings_and_nothing_else_is_taken(  # type: ignore[no-untyped-def]
    client, shopify_shop
) -> None:
    headers = {**admin_headers(shopify_shop), "Accept-Language": "de"}
    default = client.get(SETTINGS, headers=headers).get_json()

    refused = client.put(SETTINGS, headers=headers, json={"german_address": "ihr"})
    saved = client.put(SETTINGS, headers=headers, json={"german_address": "sie"})

    assert default["settings"]["german_address"] == "du"
    assert default["defaults"]["thank_you"]["subject"]["de_sie"] == "Vielen Dank für Ihren Einkauf, {first_name}!"
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"german_address"}
    assert saved.status_code == 200, saved.get_json()
    assert client.get(SETTINGS, headers=headers).get_json()["settings"]["german_address"] == "sie"


def test_a_shop_that_says_sie_sends_the_whole_email_in_the_polite_form(  # type: ignore[no-untyped-def]
    container, shopify_shop, mailer
) -> None:
    configure(container, shopify_shop, german_address="sie")
    deliver(container, shopify_shop, order(at=START, merchandise="49.90", buyer=FAN))

    dispatch(container)

    [sent] = mailer.sent
    text = sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert sent["Subject"] == "Vielen Dank für Ihren Einkauf, Jürgen!"
    assert "vielen Dank für Ihre Bestellung #5001" in text
    assert "Für diese Bestellung erhalten Sie 49 Punkte" in text
    assert "Sie erhalten diese E-Mail zu Ihrer Bestellung bei" in text
    assert "Ihre Bestellung #5001" in html
    assert " du " not in text
    assert "Dein" not in text


def test_the_merchants_own_subject_is_sent_as_written_whatever_the_form(  # type: ignore[no-untyped-def]
    container, shopify_shop, mailer
) -> None:
    configure(container, shopify_shop, german_address="sie",
              kinds={"thank_you": {"subject": {"de": "Danke, {first_name}!"}}})
    deliver(container, shopify_shop, order(at=START, merchandise="49.90", buyer=FAN))

    dispatch(container)

    assert mailer.sent[0]["Subject"] == "Danke, Jürgen!"


def test_the_review_page_speaks_as_the_shop_does(client, container, shopify_shop, mailer) -> None:  # type: ignore[no-untyped-def]
    configure(container, shopify_shop, german_address="sie")
    path = request_review(container, shopify_shop, mailer, FAN)

    html = client.get(path).get_data(as_text=True)

    assert "Als Dankeschön für Ihre Bewertung schreiben wir Ihnen" in mailer.sent[-1].get_body(("plain",)).get_content()
    assert "Wie gefällt Ihnen Ihre Bestellung" in html
    assert "Für Ihre Bewertung erhalten Sie 50 Punkte." in html
    assert "dir" not in html.split("<body", 1)[1].split()


def test_the_unsubscribe_page_speaks_as_the_shop_does(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, FAN)
    member = member_by_email(container, shopify_shop, FAN.email)
    link = UnsubscribeLink(shopify_shop.id, FAN.email, member.id, shopify_shop.domain)
    token = unsubscribe_token(container.settings.secret_key, link)

    familiar = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    configure(container, shopify_shop, german_address="sie")
    polite = client.get(f"/unsubscribe/{token}").get_data(as_text=True)

    assert "Möchtest du unter" in familiar
    assert "Möchten Sie unter" in polite
    assert "erhalten Sie weiterhin" in polite


def test_the_widget_and_the_referral_page_are_told_the_form_and_the_answer_changes_with_it(  # type: ignore[no-untyped-def]
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    deliver(container, shopify_shop, FAN)
    before = proxy(client, shopify_shop, clock, "customer")
    code = before.get_json()["member"]["referral_code"]
    familiar_page = proxy(client, shopify_shop, clock, f"r/{code}", ref=None, locale="de").get_data(as_text=True)

    configure(container, shopify_shop, german_address="sie")
    after = client.get(proxy_url("customer", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now(), FAN.customer_ref),
                       headers={"If-None-Match": before.headers["ETag"]})
    polite_page = proxy(client, shopify_shop, clock, f"r/{code}", ref=None, locale="de").get_data(as_text=True)

    assert before.get_json()["program"]["german_address"] == "du"
    assert after.status_code == 200
    assert after.get_json()["program"]["german_address"] == "sie"
    assert "Du wurdest eingeladen" in familiar_page
    assert "Sie wurden eingeladen" in polite_page
    assert "Hinterlassen Sie Ihre E-Mail-Adresse" in polite_page
