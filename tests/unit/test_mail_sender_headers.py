"""The From and Reply-To headers of a shop's emails: its name, RFC 2047-encoded or quoted as it needs, with the
operator's address; one reply address; no header injection through either."""

from __future__ import annotations

from datetime import UTC, datetime
from email.header import decode_header, make_header
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.email_sender import display_name
from app.mail.base import OutgoingMessage
from app.mail.mime import build_message
from app.mail.render import RenderedEmail, message_id

OPERATOR = "Treueprogramm <loyalty@mail.example>"
SENT_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HEADERS = {"Subject", "From", "Reply-To", "To", "Message-ID", "Date", "Content-Language", "Auto-Submitted",
           "MIME-Version", "Content-Type"}


def _build(**kw: Any) -> OutgoingMessage:
    rendered = RenderedEmail(subject="Danke", html="<p>Hallo</p>\n", text="Hallo\n")
    values = {"sender": OPERATOR, "to": "kunde@example.de", "message_id": message_id(1, "thank_you.7", OPERATOR),
              "sent_at": SENT_AT, **kw}
    return build_message(rendered, **values)


def _head(message: OutgoingMessage) -> str:
    return message.data.split(b"\r\n\r\n", 1)[0].decode()


def _raw_from(message: OutgoingMessage) -> str:
    """The From header as written, unfolded."""
    head = _head(message).replace("\r\n ", " ")
    return next(line for line in head.split("\r\n") if line.startswith("From: "))[len("From: "):]


def test_a_shop_name_with_umlauts_and_an_ampersand_arrives_readable_with_the_operators_address():
    message = _build(sender_name="Müller & Söhne Bäckerei")

    sender = message.parsed()["From"].addresses

    assert [(a.display_name, a.addr_spec) for a in sender] == [("Müller & Söhne Bäckerei", "loyalty@mail.example")]
    assert _raw_from(message).startswith("=?utf-8?b?")  # ASCII on the wire, RFC 2047
    assert _head(message).isascii()
    assert message.sender == "loyalty@mail.example"  # the envelope stays the operator's: SPF and DKIM hold
    assert not message.smtputf8


@pytest.mark.parametrize(("name", "written"), [
    ("Teeladen", "Teeladen"),
    ("Kaffee & Kuchen GmbH", "Kaffee & Kuchen GmbH"),
    ("Schmidt, Bohnen und Co.", '"Schmidt, Bohnen und Co."'),
    ('Der "beste" Kaffee (Berlin)', '"Der \\"beste\\" Kaffee (Berlin)"'),
    ("Shop <admin@evil.example>", '"Shop <admin@evil.example>"'),
    ("Back\\slash", '"Back\\\\slash"'),
])
def test_an_ascii_name_is_written_as_it_is_or_quoted_where_its_characters_mean_something(name, written):
    message = _build(sender_name=name)

    sender = message.parsed()["From"].addresses

    assert _raw_from(message) == f"{written} <loyalty@mail.example>"
    assert [(a.display_name, a.addr_spec) for a in sender] == [(name, "loyalty@mail.example")]


def test_a_name_that_looks_like_an_encoded_word_is_encoded_and_so_not_decoded_into_something_else():
    message = _build(sender_name="=?utf-8?b?QWRtaW4=?=")

    assert message.parsed()["From"].addresses[0].display_name == "=?utf-8?b?QWRtaW4=?="


def test_a_long_name_folds_into_encoded_words_of_at_most_75_characters_split_between_words():
    name = "Kaffeerösterei & Confiserie Müller-Lüdenscheidt, Inh. Jürgen Größ (Köln)"

    message = _build(sender_name=name)

    lines = [line for line in _head(message).split("\r\n") if line.startswith(("From: ", " "))]
    words = [word for line in lines for word in line.split() if word.startswith("=?")]
    assert max(len(line) for line in lines) <= 78
    assert len(words) > 1
    assert all(len(word) <= 75 for word in words)
    assert str(make_header(decode_header(_raw_from(message).rsplit(" <", 1)[0]))) == name  # as RFC 2047 reads it
    assert message.parsed()["From"].addresses[0].addr_spec == "loyalty@mail.example"


@pytest.mark.parametrize("name", [
    "Shop\r\nBcc: victim@example.com",
    "Shop\nBcc: victim@example.com",
    "Shop\rBcc: victim@example.com",
    "Shop\u2028Bcc: victim@example.com",
    "Tab\there",
    "Nul\x00",
    "",
    "   ",
])
def test_a_name_with_a_line_break_or_control_character_is_refused_not_written(name):
    with pytest.raises(ValueError, match="display name"):
        _build(sender_name=name)


def test_without_a_shop_name_the_operators_from_is_used_as_configured():
    sender = _build(sender_name=None).parsed()["From"].addresses[0]

    assert (sender.display_name, sender.addr_spec) == ("Treueprogramm", "loyalty@mail.example")


def test_the_message_id_keeps_the_domain_of_the_operators_address():
    assert _build(sender_name="Müller & Söhne Bäckerei").parsed()["Message-ID"].endswith("@mail.example>")


def test_a_reply_to_address_is_its_own_header_and_none_is_written_without_one():
    with_reply = _build(sender_name="Teeladen", reply_to="service@teeladen.example.de")
    without = _build(sender_name="Teeladen")

    assert "\r\nReply-To: service@teeladen.example.de\r\n" in _head(with_reply)
    assert with_reply.parsed()["Reply-To"] == "service@teeladen.example.de"
    assert with_reply.recipients == ("kunde@example.de",)  # a reply address is no recipient
    assert without.parsed()["Reply-To"] is None


def test_a_reply_to_at_an_umlaut_domain_is_written_in_idna_so_no_relay_refuses_the_message():
    message = _build(reply_to="info@bäckerei-müller.example")

    assert not message.smtputf8
    assert message.parsed()["Reply-To"] == "info@xn--bckerei-mller-bfb28a.example"


@pytest.mark.parametrize("reply_to", [
    "service@example.de\r\nBcc: victim@example.com",
    "service@example.de\nBcc: victim@example.com",
    "a@example.de, b@example.de",
    "Service <service@example.de>",
    "not an address",
    "@example.de",
    "service@",
])
def test_a_reply_to_that_could_inject_headers_or_is_no_single_address_is_refused(reply_to):
    with pytest.raises(ValueError, match=r"."):
        _build(reply_to=reply_to)


@given(st.text(max_size=90), st.text(max_size=40))
def test_whatever_the_shop_is_called_the_message_has_one_from_and_no_header_of_the_names_making(merchant, shop):
    name = display_name(merchant, shop)

    message = _build(sender_name=name)

    head = _head(message)
    fields = [line.split(":", 1)[0] for line in head.split("\r\n") if not line.startswith(" ")]
    assert sorted(fields) == sorted(HEADERS - {"Reply-To"})
    assert head.isascii()
    sender = message.parsed()["From"].addresses
    assert [a.addr_spec for a in sender] == ["loyalty@mail.example"]
    if name is not None:
        # Python's address parser keeps the folds between encoded words as spaces (RFC 2047 drops them)
        assert "".join(sender[0].display_name.split()) == "".join(name.split())
