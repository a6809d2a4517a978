"""A rendered email's final RFC 5322 bytes, assembled once: what SMTP sends and the file backend writes, unchanged.

The `email` package's EmailMessage parses every header it is given and re-folds each one when flattened, for
every message (most of the dispatcher's CPU per message). The headers here are few and of known shapes, so
they are written directly; only the From and unusual To values go through the `email` package, and the From
header is folded once per sender.
"""

from __future__ import annotations

import base64
import binascii
import email.policy
import hashlib
import re
from datetime import datetime
from email.headerregistry import Address
from email.utils import format_datetime
from functools import cache

from app.mail.base import OutgoingMessage
from app.mail.render import RenderedEmail

MAX_LINE = 998  # RFC 5322's hard limit for a line, CRLF excluded
# Only the From and unusual To headers are folded by the `email` package; 998 keeps long values on one line.
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=MAX_LINE)
SMTPUTF8_POLICY = email.policy.SMTPUTF8.clone(max_line_length=MAX_LINE)
SIMPLE_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9.-]+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
WORD_BYTES = 45  # UTF-8 bytes per encoded word: "=?utf-8?b?" + base64 of 45 bytes + "?=" is 72 characters (<= 75)
PART = b'Content-Type: text/%s; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    to: str,
    message_id: str,
    sent_at: datetime,
    locale: str = "de",
) -> OutgoingMessage:
    """A multipart/alternative message (text first, then HTML) with RFC 8058 one-click unsubscribe headers.

    Raises ValueError for a value that cannot be a header (a line break, a non-ASCII Message-ID or URL, an
    invalid address, a line over 998 characters).
    """
    from_line, envelope_from, sender_utf8 = _sender(sender)
    to_line, recipient, to_utf8 = _recipient(to)
    lines = [
        b"Subject: " + _subject(rendered.subject),
        from_line,
        to_line,
        _plain("Message-ID", message_id),
        _plain("Date", format_datetime(sent_at)),
        _plain("Content-Language", _language(locale)),
        b"Auto-Submitted: auto-generated",
    ]
    if rendered.unsubscribe_url:
        # RFC 8058: one plain line mail clients act on; never folded or RFC 2047-encoded.
        lines.append(_plain("List-Unsubscribe", f"<{rendered.unsubscribe_url}>"))
        lines.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    # "=" never appears unencoded in a quoted-printable body, so the boundary cannot occur inside a part; derived
    # from the Message-ID so that a resend has the same structure.
    boundary = b"==" + hashlib.sha256(message_id.encode()).hexdigest()[:28].encode() + b"=="
    lines.append(b"MIME-Version: 1.0")
    lines.append(b'Content-Type: multipart/alternative; boundary="' + boundary + b'"')
    delimiter = b"\r\n--" + boundary
    data = b"".join((
        b"\r\n".join(lines), b"\r\n", delimiter, b"\r\n", _part(b"plain", rendered.text),
        delimiter, b"\r\n", _part(b"html", rendered.html), delimiter, b"--\r\n",
    ))
    return OutgoingMessage(sender=envelope_from, recipients=(recipient,), message_id=message_id, data=data,
                           smtputf8=sender_utf8 or to_utf8)


def _part(subtype: bytes, body: str) -> bytes:
    # One body line per line of the text, CRLF-terminated, then quoted-printable (lines <= 76 characters).
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return PART % subtype + binascii.b2a_qp(text.replace("\n", "\r\n").encode(), istext=True)


def _subject(text: str) -> bytes:
    if text.isascii() and text.isprintable() and "=?" not in text and len(text) <= MAX_LINE - len("Subject: "):
        return text.encode()
    # RFC 2047 encoded words, split at character boundaries, one per folded line.
    raw, words, start = text.encode(), [], 0
    while start < len(raw):
        end = min(start + WORD_BYTES, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:  # never split a multi-byte character
            end -= 1
        words.append(b"=?utf-8?b?" + base64.b64encode(raw[start:end]) + b"?=")
        start = end
    return b"\r\n ".join(words)


def _plain(name: str, value: str) -> bytes:
    if not value.isascii() or not value.isprintable() or len(name) + 2 + len(value) > MAX_LINE:
        raise ValueError(f"{name} cannot be a plain header line: {value[:80]!r}")
    return f"{name}: {value}".encode()


def _language(locale: str) -> str:
    if not LANGUAGE_TAG.fullmatch(locale):
        raise ValueError(f"not a language tag: {locale[:20]!r}")
    return locale


@cache
def _sender(sender: str) -> tuple[bytes, str, bool]:
    # Folded once per sender (it comes from the settings): the header line, the envelope address, SMTPUTF8.
    header = SMTP_POLICY.header_factory("From", sender)
    addresses = getattr(header, "addresses", ())
    if len(addresses) != 1 or not addresses[0].addr_spec or "\n" in sender or "\r" in sender:
        raise ValueError(f"the sender must be one address: {sender!r}")
    envelope = addresses[0].addr_spec
    utf8 = not envelope.isascii()
    return header.fold(policy=SMTPUTF8_POLICY if utf8 else SMTP_POLICY).rstrip("\r\n").encode(), envelope, utf8


def _recipient(to: str) -> tuple[bytes, str, bool]:
    if SIMPLE_ADDRESS.fullmatch(to) and len(to) <= MAX_LINE - len("To: "):
        return b"To: " + to.encode(), to, False
    if not to or "\n" in to or "\r" in to:
        raise ValueError(f"not an email address: {to[:80]!r}")
    address = Address(addr_spec=to)  # raises ValueError for what is no address
    utf8 = not to.isascii()
    header = SMTP_POLICY.header_factory("To", [address])
    return header.fold(policy=SMTPUTF8_POLICY if utf8 else SMTP_POLICY).rstrip("\r\n").encode(), address.addr_spec, utf8
