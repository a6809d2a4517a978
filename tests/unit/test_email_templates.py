"""Every email kind renders in German and English, HTML and text, with customer text escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from app.i18n import template
from app.mail.mime import build_message
from app.mail.render import RenderedEmail, message_id
from app.services.email_content import fill, render_kind, sample_context
from app.services.email_settings import KINDS, EmailConfig

SHOP: Any = SimpleNamespace(name="Kaffeerösterei Müller", domain="kaffee.example", currency="EUR")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WORDS = {"de": ("Hallo", "Viele Grüße"), "en": ("Hello", "Best regards")}
# The footer's unsubscribe link: what the click keeps (CATEGORY's transactional kinds), said as the page says it.
FOOTER = {"de": "Keine E-Mails mehr außer Bestell- und Gutscheinbestätigungen",
          "en": "No more emails except order and coupon confirmations"}
KEPT = {"de": "außer Bestell- und Gutscheinbestätigungen", "en": "except order and coupon confirmations"}


def _render(kind: str, locale: str, config: EmailConfig | None = None, **overrides: Any) -> RenderedEmail:
    config = config or EmailConfig()
    context = {**sample_context(SHOP, locale, kind, config, now=NOW), "unsubscribe_url": "https://x.example/u/1",
               **overrides}
    return render_kind(kind, locale, context, config)


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_html_and_text_in_both_languages(kind, locale):
    email = _render(kind, locale)

    greeting, closing = WORDS[locale]
    assert email.subject
    assert "{" not in email.subject
    for part in (email.html, email.text):
        assert greeting in part
        assert closing in part
        assert "https://x.example/u/1" in part
    assert email.html.startswith("<!doctype html>")
    assert f'lang="{locale}"' in email.html


def test_the_thank_you_shows_items_totals_points_and_coupon_in_local_formats():
    de, en = _render("thank_you", "de"), _render("thank_you", "en")
    de_text, en_text = de.text.replace("\xa0", " "), en.text.replace("\xa0", " ")  # Babel spaces are non-breaking

    assert "2 × Espresso Bohnen 1 kg" in de_text
    assert "Gesamt: 59,60 €" in de_text
    assert "54 Punkte" in de_text
    assert "DANKE-7Q2X" in de.html
    assert "6. Januar 2027" in de_text  # 30 days after NOW
    assert "Total: €59.60" in en_text
    assert "54 points" in en_text
    assert "6 January 2027" in en_text


def test_customer_text_is_escaped_in_html_and_kept_plain_in_text():
    email = _render("thank_you", "de", first_name="<script>alert(1)</script>",
                    items=[{"title": "<img src=x onerror=alert(2)>", "quantity": 1, "amount": "5.00"}])

    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<img src=x" not in email.html
    assert "Hallo <script>alert(1)</script>," in email.text


def test_merchant_subject_and_intro_are_used_with_placeholders_and_escaped():
    config = EmailConfig.from_dict({"kinds": {"thank_you": {
        "subject": {"de": "Danke {first_name} für {order}"}, "intro": {"de": "Schön, <b>dass</b> es Sie gibt."}}}})

    email = _render("thank_you", "de", config)

    assert email.subject == "Danke Jürgen für #1001"
    assert "Schön, &lt;b&gt;dass&lt;/b&gt; es Sie gibt." in email.html


def test_a_missing_first_name_leaves_no_dangling_comma():
    assert fill("Vielen Dank für Ihren Einkauf, {first_name}!", {"first_name": ""}) == \
        "Vielen Dank für Ihren Einkauf!"


def test_the_mime_message_has_text_then_html_and_one_click_unsubscribe_headers():
    email = _render("review_request", "en")

    mime = build_message(email, sender="Shop <shop@kaffee.example>", to="pat@example.com",
                         message_id=message_id(1, "review_request:7", "shop@kaffee.example"),
                         sent_at=datetime(2026, 3, 2, tzinfo=UTC), locale="en").parsed()

    assert [p.get_content_type() for p in mime.iter_parts()] == ["text/plain", "text/html"]
    assert mime["List-Unsubscribe"] == "<https://x.example/u/1>"
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mime["Message-ID"] == message_id(1, "review_request:7", "shop@kaffee.example")
    assert mime["Message-ID"].endswith("@kaffee.example>")


def test_a_subject_cannot_inject_headers():
    config = EmailConfig.from_dict({"kinds": {"thank_you": {"subject": {"de": "Hallo {first_name}"}}}})

    email = _render("thank_you", "de", config, first_name="Eve\r\nBcc: victim@example.com")

    assert "\n" not in email.subject
    assert "\r" not in email.subject


def test_a_long_unsubscribe_url_stays_a_plain_header_that_mail_clients_can_follow():
    url = "https://loyalty.example-haendler.de/unsubscribe/" + "A" * 90
    rendered = RenderedEmail(subject="Grüße", html="<p>Hallo</p>", text="Hallo", unsubscribe_url=url)
    message = build_message(rendered, sender="Shop <shop@example.de>", to="kunde@example.de",
                            message_id="<x@example.de>", sent_at=datetime(2026, 1, 1, tzinfo=UTC))

    raw = message.data.decode()

    assert f"List-Unsubscribe: <{url}>" in raw
    assert "=?utf-8?q?=3Chttps" not in raw


@pytest.mark.parametrize("address", ["du", "sie"])
@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_footer_link_says_what_unsubscribing_keeps_whatever_the_kind(kind, locale, address):
    email = _render(kind, locale, EmailConfig.from_dict({"german_address": address}))

    assert f'<a href="https://x.example/u/1" style="color:#6b7280">{FOOTER[locale]}</a>' in email.html
    assert f"{FOOTER[locale]}: https://x.example/u/1" in email.text
    for words in ("dieser Art", "like this", "Bewertungsanfragen, Erinnerungen und Neuigkeiten",
                  "review requests, reminders and news"):
        assert words not in email.html
        assert words not in email.text


@pytest.mark.parametrize(("locale", "formal"), [("de", False), ("de", True), ("en", False)])
def test_the_unsubscribe_question_and_done_page_keep_what_the_footer_keeps(locale, formal):
    question = template("emails.unsubscribe.question", locale, formal)
    done = template("emails.unsubscribe.done", locale, formal)
    note = template("emails.unsubscribe.note", locale, formal)

    assert KEPT[locale] in FOOTER[locale]
    assert KEPT[locale] in question
    assert KEPT[locale] in done
    assert ("E-Mails mehr" if locale == "de" else "no more emails") in question
    assert ("E-Mails mehr" if locale == "de" else "no more emails") in done
    # the note spells out what stops: every kind that is not transactional, and what goes on
    stopped = {"de": ("Bewertungsanfragen", "Erinnerungen", "verfallende Punkte", "Stufen", "Empfehlungen",
                      "Neuigkeiten"),
               "en": ("review requests", "reminders", "points expiry", "tiers", "referrals", "news")}[locale]
    assert [words for words in stopped if words not in note] == []
    assert ("Bestell- und Gutscheinbestätigungen" if locale == "de" else "order and coupon confirmations") in note


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "campaign"])  # a campaign has no default intro
def test_the_intro_after_the_greeting_starts_as_each_language_writes_it(kind):
    english = template(f"emails.{kind}.intro", "en")
    familiar = template(f"emails.{kind}.intro", "de")
    polite = template(f"emails.{kind}.intro", "de", formal=True)

    assert english[0].isupper(), english  # "Hello Jürgen," then a new sentence
    assert familiar[0].islower(), familiar  # "Hallo Jürgen," goes on in lowercase ("deine Bestellung …")
    assert polite[0].islower() or polite.split()[0] in ("Sie", "Ihre", "Ihr", "Ihnen"), polite


def test_the_rendered_intro_follows_the_greeting_in_each_language():
    assert "Hello Alex,\n\nThank you for your order #1001" in _render("thank_you", "en").text
    assert "Hallo Jürgen,\n\ndeine Bestellung #1001" in _render("review_request", "de").text
    assert "Hallo Jürgen,\n\nIhre Bestellung #1001" in _render(
        "review_request", "de", EmailConfig.from_dict({"german_address": "sie"})).text


@pytest.mark.parametrize(("locale", "formal"), [("de", False), ("de", True), ("en", False)])
def test_when_the_whole_balance_expires_the_points_email_does_not_say_only_a_part_of_it_does(locale, formal):
    config = EmailConfig.from_dict({"german_address": "sie" if formal else "du"})

    email = _render("points_expiring", locale, config, points=25, balance=25)

    assert "25" in email.text
    assert [words for words in ("Teil", "Some of", "some of") if words in email.text] == []


@pytest.mark.parametrize(("kind", "locale", "label"), [
    ("reward_issued", "de", "Jetzt einlösen"), ("reward_issued", "en", "Use it now"),
    ("tier_upgrade", "de", "Zum Shop"), ("tier_upgrade", "en", "Visit the shop"),
])
def test_the_coupon_and_new_tier_emails_lead_to_the_shop(kind, locale, label):
    email = _render(kind, locale, shop_url="https://kaffee.example")

    assert '<a href="https://kaffee.example" style="display:inline-block;' in email.html
    assert f">{label}</a>" in email.html
    assert f"{label}: https://kaffee.example" in email.text
