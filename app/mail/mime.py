"""A rendered email's final RFC 5322 bytes, assembled once: what SMTP sends and the file backend writes, unchanged.

The `email` package's EmailMessage parses every header it is given and re-folds each one when flattened, for
every message (most of the dispatcher's CPU per message). The headers here are few and of known shapes, so
they are written directly; only the operator's From address and unusual To values go through the `email` package,
and the From header is built once per sender (the shop's display name and the operator's address).
"""

from __future__ import annotations

import base64
import binascii
import email.policy
import hashlib
import re
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import format_datetime
from functools import lru_cache

from app.mail.base import OutgoingMessage
from app.mail.render import RenderedEmail

MAX_LINE = 998  # RFC 5322's hard limit for a line, CRLF excluded
# Only the operator's From (as configured) and unusual To and Reply-To headers are folded by the `email` package;
# 998 keeps long values on one line.
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=MAX_LINE)
SMTPUTF8_POLICY = email.policy.SMTPUTF8.clone(max_line_length=MAX_LINE)
# A display name that can be written as it is: atoms (RFC 5322 atext) with single spaces between them.
ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+( [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
FOLD_AT = 78  # RFC 5322's recommended line length: a From name longer than a line is folded
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
    sender_name: str | None = None,
    reply_to: str | None = None,
) -> OutgoingMessage:
    """A multipart/alternative message (text first, then HTML) with RFC 8058 one-click unsubscribe headers.

    `sender` is the operator's From; `sender_name` (the shop's) replaces its display name, its address stays the
    envelope sender (SPF and DKIM are the operator's). `reply_to` adds a Reply-To header with that one address.
    Raises ValueError for a value that cannot be a header (a line break or control character, a non-ASCII
    Message-ID or URL, an invalid address, a line over 998 characters).
    """
    from_line, envelope_from, sender_utf8 = _sender(sender, sender_name)
    to_line, recipient, to_utf8 = _mailbox(b"To", to)
    lines = [
        b"Subject: " + _subject(rendered.subject),
        from_line,
        to_line,
        _plain("Message-ID", message_id),
        _plain("Date", format_datetime(sent_at)),
        _plain("Content-Language", _language(locale)),
        b"Auto-Submitted: auto-generated",
    ]
    reply_utf8 = False
    if reply_to:
        reply_line, _, reply_utf8 = _mailbox(b"Reply-To", reply_to)
        lines.insert(2, reply_line)
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
                           smtputf8=sender_utf8 or to_utf8 or reply_utf8)


def _part(subtype: bytes, body: str) -> bytes:
    # One body line per line of the text, CRLF-terminated, then quoted-printable (lines <= 76 characters).
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return PART % subtype + binascii.b2a_qp(text.replace("\n", "\r\n").encode(), istext=True)


def _subject(text: str) -> bytes:
    if text.isascii() and text.isprintable() and "=?" not in text and len(text) <= MAX_LINE - len("Subject: "):
        return text.encode()
    return b"\r\n ".join(_encoded_words(text))


def _encoded_words(text: str, after_spaces: bool = False) -> list[bytes]:
    # RFC 2047 encoded words, split at character boundaries (one per folded line: decoders join adjacent words).
    raw, words, start = text.encode(), [], 0
    while start < len(raw):
        end = min(start + WORD_BYTES, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:  # never split a multi-byte character
            end -= 1
        if after_spaces and end < len(raw) and raw.rfind(b" ", start, end) > start:
            # Some decoders (Python's address parser among them) keep the fold between two words of a display
            # name as a space: split after a space, not inside a word ("Mül ler").
            end = raw.rfind(b" ", start, end) + 1
        words.append(b"=?utf-8?b?" + base64.b64encode(raw[start:end]) + b"?=")
        start = end
    return words


def _plain(name: str, value: str) -> bytes:
    if not value.isascii() or not value.isprintable() or len(name) + 2 + len(value) > MAX_LINE:
        raise ValueError(f"{name} cannot be a plain header line: {value[:80]!r}")
    return f"{name}: {value}".encode()


def _language(locale: str) -> str:
    if not LANGUAGE_TAG.fullmatch(locale):
        raise ValueError(f"not a language tag: {locale[:20]!r}")
    return locale


@lru_cache(maxsize=4096)  # one entry per shop name in use: bounded, shops are many
def _sender(sender: str, name: str | None = None) -> tuple[bytes, str, bool]:
    # Built once per sender and name (the operator's setting, a shop's name): the header line, the envelope
    # address, SMTPUTF8.
    header = SMTP_POLICY.header_factory("From", sender)
    addresses = getattr(header, "addresses", ())
    if len(addresses) != 1 or not addresses[0].addr_spec or "\n" in sender or "\r" in sender:
        raise ValueError(f"the sender must be one address: {sender!r}")
    envelope = addresses[0].addr_spec
    utf8 = not envelope.isascii()
    if name is None:
        return header.fold(policy=SMTPUTF8_POLICY if utf8 else SMTP_POLICY).rstrip("\r\n").encode(), envelope, utf8
    return _from_line(name, envelope), envelope, utf8


def _from_line(name: str, address: str) -> bytes:
    # The display name as atoms, a quoted string or RFC 2047 encoded words, then the operator's address.
    if not name.strip() or not name.isprintable():  # a line break would start a header of the name's choosing
        raise ValueError(f"not a display name: {name[:80]!r}")
    words = [_quoted(name)] if name.isascii() and "=?" not in name else []
    if not words or len(words[0]) > FOLD_AT - len("From: "):
        # non-ASCII, too long for one line, or it could be misread as an encoded word
        words = _encoded_words(name, after_spaces=True)
    line = b"From: " + b"\r\n ".join(words)
    angle = b"<" + address.encode() + b">"
    last = len(line) - line.rfind(b"\n") - 1
    return line + (b" " if last + 1 + len(angle) <= FOLD_AT else b"\r\n ") + angle


def _quoted(name: str) -> bytes:
    if ATOMS.fullmatch(name):
        return name.encode()
    # A quoted string: specials (",", "(", "<", "@", ...) lose their meaning; only '"' and '\\' are escaped.
    return b'"' + name.replace("\\", "\\\\").replace('"', '\\"').encode() + b'"'


def _mailbox(field: bytes, value: str) -> tuple[bytes, str, bool]:
    # A header with one bare address (To, Reply-To): the line, the address, SMTPUTF8.
    value = _ascii_domain(value)
    if SIMPLE_ADDRESS.fullmatch(value) and len(value) <= MAX_LINE - len(field) - 2:
        return field + b": " + value.encode(), value, False
    if not value or "\n" in value or "\r" in value:
        raise ValueError(f"not an email address: {value[:80]!r}")
    try:
        address = _address(value)  # raises ValueError for most of what is no address
    except (HeaderParseError, IndexError) as exc:  # the rest ("@x.de", "a@") fails inside the parser
        raise ValueError(f"not an email address: {value[:80]!r}") from exc
    utf8 = not value.isascii()
    header = SMTP_POLICY.header_factory(field.decode(), [address])
    folded = header.fold(policy=SMTPUTF8_POLICY if utf8 else SMTP_POLICY).rstrip("\r\n").encode()
    return folded, address.addr_spec, utf8


def _address(value: str) -> Address:
    # Python's parser refuses a local part with letters beyond ASCII ("jürgen@…", RFC 6531), which a relay with
    # SMTPUTF8 delivers: its shape is checked with each such letter or digit stood in for by an ASCII one, then
    # the address is built from its parts. Anything else beyond ASCII (a no-break space, a control) stays refused.
    local, at, domain = value.rpartition("@")
    if not at or local.isascii():
        return Address(addr_spec=value)
    Address(addr_spec="".join("a" if not c.isascii() and c.isalnum() else c for c in local) + at + domain)
    return Address(username=local, domain=domain)


def _ascii_domain(address: str) -> str:
    # An umlaut domain ("service@kaffee-müller.de") written as IDNA ("xn--kaffee-mller-…"): the same mailbox, and
    # no SMTPUTF8 needed (a relay without it would refuse every message of the shop). A non-ASCII local part
    # still needs SMTPUTF8.
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii() or not local.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address
