"""The rules of a shop's sender settings: a one-line name of at most 70 characters, one reply address that the
message builder takes, and which name a message carries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.email_sender import (
    display_name,
    reply_to_problems,
    sender_errors,
    sender_name_problems,
    shown_sender,
)
from app.domain.errors import InvalidInput
from app.i18n.validation import localize_errors
from app.mail.mime import build_message
from app.mail.render import RenderedEmail
from app.services.email_settings import check_changes


@pytest.mark.parametrize("name", ["", "Müller & Söhne Bäckerei", "Schmidt, Bohnen (Köln)", "ß" * 70, "  Teeladen  "])
def test_a_one_line_name_of_at_most_70_characters_is_a_sender_name(name):
    assert sender_name_problems(name) == []


@pytest.mark.parametrize("name", ["Shop\r\nBcc: victim@example.com", "Shop\nZwei", "Tab\there", "Nul\x00", "a\u2029b"])
def test_a_sender_name_with_a_line_break_or_control_character_is_refused(name):
    assert sender_name_problems(name) == ["No line breaks or control characters."]


def test_a_sender_name_over_70_characters_is_refused():
    assert sender_name_problems("x" * 71) == ["At most 70 characters."]


@pytest.mark.parametrize("address", ["", "service@kaffee-mueller.de", "info+treue@bäckerei-müller.de",
                                     "a.b@sub.example.co.uk", " service@kaffee-mueller.de "])
def test_one_reachable_address_or_none_is_a_reply_address(address):
    assert reply_to_problems(address) == []


@pytest.mark.parametrize(("address", "problem"), [
    ("a@example.de, b@example.de", "One email address only."),
    ("a@example.de; b@example.de", "One email address only."),
    ("a@example.de b@example.de", "One email address only."),
    ("service@example.de\r\nBcc: victim@example.com", "One email address only."),
    ("Service <service@example.de>", "Not a valid email address."),
    ("hallo@@kaffee.de", "Not a valid email address."),  # a typo, not a second address
    ("service@localhost", "Not a valid email address."),
    ("service@[127.0.0.1]", "Not a valid email address."),
    ('"a b"@example.de', "Not a valid email address."),
    ("service@-example.de", "Not a valid email address."),
    ("@example.de", "Not a valid email address."),
    ("service@", "Not a valid email address."),
    ("servi\nce@example.de", "Not a valid email address."),
    ("service", "Not a valid email address."),
    ("a" * 250 + "@example.de", "Not a valid email address."),
])
def test_anything_but_one_reachable_address_is_refused_as_reply_address(address, problem):
    assert reply_to_problems(address) == [problem]


@given(st.emails() | st.text(max_size=60))
def test_every_reply_address_the_rules_take_is_one_the_message_builder_writes(address):
    rendered = RenderedEmail(subject="Danke", html="<p>Hallo</p>\n", text="Hallo\n")
    if reply_to_problems(address):
        return

    message = build_message(rendered, sender="T <loyalty@mail.example>", to="kunde@example.de", message_id="<a@b>",
                            sent_at=datetime(2026, 3, 2, tzinfo=UTC), reply_to=address.strip() or None)

    assert message.parsed()["Reply-To"] == (address.strip() or None)


def test_the_errors_of_a_settings_change_name_their_fields_in_german_too():
    changes = {"sender_name": "Shop\nBcc: x", "reply_to": "a@example.de, b@example.de", "review_points": 5}

    with pytest.raises(InvalidInput) as refused:
        check_changes(changes)

    assert refused.value.errors == {"sender_name": ["No line breaks or control characters."],
                                    "reply_to": ["One email address only."]}
    assert localize_errors(refused.value.errors, "de") == {
        "sender_name": ["Bitte ohne Zeilenumbrüche und Steuerzeichen."],
        "reply_to": ["Bitte nur eine E-Mail-Adresse angeben."]}
    assert sender_errors({"review_points": 5}) == {}


def test_a_message_carries_the_merchants_name_else_the_shops_else_none():
    assert display_name("Müller & Söhne", "Kaffee Müller GmbH") == "Müller & Söhne"
    assert display_name("", "Kaffee Müller GmbH") == "Kaffee Müller GmbH"
    assert display_name("  ", "") is None
    assert display_name("", None) is None


def test_a_shops_name_from_its_platform_loses_its_line_breaks_and_control_characters():
    assert display_name("", "Kaffee\r\nBcc: victim@example.com\x00 ") == "Kaffee Bcc: victim@example.com"


def test_the_sender_shown_to_the_merchant_is_the_name_with_the_operators_address():
    operator = "Treueprogramm <loyalty@mail.example>"

    assert shown_sender("", "Müller & Söhne Bäckerei", operator) == "Müller & Söhne Bäckerei <loyalty@mail.example>"
    assert shown_sender("Bäckerei Müller", "x", operator) == "Bäckerei Müller <loyalty@mail.example>"
    assert shown_sender("", "", operator) == "Treueprogramm <loyalty@mail.example>"
    assert shown_sender("", "", "loyalty@mail.example") == "loyalty@mail.example"
