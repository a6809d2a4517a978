"""The bytes of an email, built once: RFC 5322 line rules, encoded words, unsubscribe headers, no injection."""

from __future__ import annotations

from datetime import UTC, datetime
from email.header import decode_header, make_header
from typing import Any

import pytest

from app.mail.mime import build_message
from app.mail.render import RenderedEmail

SENT_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _build(subject: str = "Danke", text: str = "Hallo Jürgen,\n\nDanke.\n", html: str = "<p>Hallo</p>\n",
           url: str | None = "https://x.example/unsubscribe/abc", **kw: Any):  # type: ignore[no-untyped-def]
    rendered = RenderedEmail(subject=subject, html=html, text=text, unsubscribe_url=url)
    values = {"sender": "Kaffeerösterei Müller <shop@kaffee.example>", "to": "kunde@example.de",
              "message_id": "<thank_you.1.abc@kaffee.example>", "sent_at": SENT_AT, "locale": "de", **kw}
    return build_message(rendered, **values)


def test_every_line_ends_in_crlf_and_stays_within_the_line_limits():
    long_line = "Sehr geehrte Kundin, " * 40
    message = _build(text=f"{long_line}\nzweite Zeile\r\ndritte\rvierte", html=f"<p>{long_line}</p>")

    lines = message.data.split(b"\r\n")

    assert b"\n" not in message.data.replace(b"\r\n", b"")
    assert b"\r" not in message.data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 998
    body = message.data.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76  # quoted-printable's own limit
    assert message.parsed().get_body(("plain",)).get_content() == f"{long_line}\nzweite Zeile\ndritte\nvierte\n"


def test_text_and_html_parts_read_back_as_written():
    message = _build(text="Grüße & <Tschüss>\n", html="<p>Grüße &amp; Tschüss</p>\n").parsed()

    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content() == "Grüße & <Tschüss>\n"
    assert message.get_body(("html",)).get_content() == "<p>Grüße &amp; Tschüss</p>\n"


def test_a_non_ascii_subject_and_sender_are_encoded_words_that_decode_to_the_text():
    subject = "Vielen Dank für Ihren Einkauf, Jürgen! Ihre Bestellung #1001 bei Kaffeerösterei Müller ist da 🎉"
    message = _build(subject=subject)

    head = message.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    parsed = message.parsed()

    assert str(make_header(decode_header(parsed["Subject"]))) == subject
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Kaffeerösterei Müller"
    assert all(len(word) <= 75 for word in head.split() if word.startswith("=?"))
    assert message.sender == "shop@kaffee.example"
    assert message.recipients == ("kunde@example.de",)


def test_the_headers_are_what_the_dispatcher_promises():
    parsed = _build().parsed()

    assert parsed["To"] == "kunde@example.de"
    assert parsed["Message-ID"] == "<thank_you.1.abc@kaffee.example>"
    assert parsed["Date"].datetime == SENT_AT
    assert parsed["Content-Language"] == "de"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["List-Unsubscribe"] == "<https://x.example/unsubscribe/abc>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_without_an_unsubscribe_url_there_are_no_list_headers():
    parsed = _build(url=None).parsed()

    assert parsed["List-Unsubscribe"] is None
    assert parsed["List-Unsubscribe-Post"] is None


def test_the_same_message_built_twice_is_the_same_bytes():
    assert _build().data == _build().data


def test_a_recipient_at_an_international_domain_is_addressed_in_idna_without_smtputf8():
    message = _build(to="kunde@kaffee-rösterei.example")

    assert not message.smtputf8  # a relay without SMTPUTF8 still takes it
    assert message.recipients == ("kunde@xn--kaffee-rsterei-2pb.example",)
    assert message.parsed()["To"] == "kunde@xn--kaffee-rsterei-2pb.example"


def test_a_recipient_with_umlauts_before_the_at_is_addressed_as_written_and_needs_smtputf8():
    message = _build(to="jürgen.müller@kaffee.example")

    assert message.smtputf8  # RFC 6531: only a relay with SMTPUTF8 can carry it
    assert message.recipients == ("jürgen.müller@kaffee.example",)
    assert message.parsed()["To"] == "jürgen.müller@kaffee.example"


@pytest.mark.parametrize("to", ["kunde@example.de\r\nBcc: victim@example.com", "not an address", "",
                                "jür gen@x.de", "jürgen\u00a0@x.de", "jürgen@", "@x.de", "jü<rgen@x.de"])
def test_a_recipient_that_could_inject_headers_or_is_no_address_is_refused(to):
    with pytest.raises(ValueError, match=r"."):
        _build(to=to)


def test_a_subject_with_line_breaks_cannot_add_headers():
    message = _build(subject="Hallo\r\nBcc: victim@example.com")

    head = message.data.split(b"\r\n\r\n", 1)[0]

    assert b"\r\nBcc:" not in head
    assert message.parsed()["Bcc"] is None
