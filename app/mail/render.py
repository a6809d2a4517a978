"""Rendering emails: Jinja2 with autoescape (HTML) and a plain-text twin, assembled into one MIME message."""

from __future__ import annotations

import email.policy
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

TEMPLATES = Path(__file__).parent / "templates"
BABEL_LOCALES = {"de": "de_DE", "en": "en_GB"}


@dataclass(frozen=True)
class RenderedEmail:
    """Subject, HTML and plain-text body of one message."""

    subject: str
    html: str
    text: str
    unsubscribe_url: str | None = None


@cache
def environment() -> Environment:
    """The one Jinja environment: HTML templates autoescaped, .txt templates plain."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _money
    env.filters["number"] = _number
    env.filters["day"] = _day
    return env


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    """Render `templates/<locale>/<kind>.html|.txt`; `context["subject"]` is the (already chosen) subject."""
    env = environment()
    values = {**context, "locale": locale}
    html = env.get_template(f"{locale}/{kind}.html").render(values)
    text = env.get_template(f"{locale}/{kind}.txt").render(values)
    unsubscribe = str(context.get("unsubscribe_url") or "")
    return RenderedEmail(
        subject=str(context["subject"]),
        html=html,
        text=_tidy(text),
        unsubscribe_url=unsubscribe if unsubscribe.startswith("http") else None,
    )


# Long header values (the List-Unsubscribe URL) must stay plain text for mail clients to act on them: the
# default 78-column limit would turn them into RFC 2047 encoded words. 998 is RFC 5322's hard limit.
HEADER_POLICY = email.policy.default.clone(max_line_length=998)


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    to: str,
    message_id: str,
    sent_at: datetime,
    locale: str = "de",
) -> EmailMessage:
    """A multipart/alternative message (text first, then HTML) with RFC 8058 one-click unsubscribe headers."""
    message = EmailMessage(policy=HEADER_POLICY)
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = Address(addr_spec=to)
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(sent_at)
    message["Content-Language"] = locale
    message["Auto-Submitted"] = "auto-generated"
    if rendered.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return message


def message_id(shop_id: int, dedupe_key: str, sender: str) -> str:
    """A Message-ID derived from the dedupe key: a resend of the same message carries the same id."""
    digest = hashlib.sha256(f"{shop_id}:{dedupe_key}".encode()).hexdigest()[:20]
    readable = re.sub(r"[^A-Za-z0-9_.-]+", ".", dedupe_key).strip(".")[:60]
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "loyalty.local"
    return f"<{readable}.{digest}@{domain or 'loyalty.local'}>"


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@pass_context
def _money(ctx: Context, amount: Any, currency: str | None = None) -> str:
    value = Decimal(str(amount))
    return format_currency(value, currency or ctx.get("currency", "EUR"), locale=_babel(ctx))


@pass_context
def _number(ctx: Context, value: Any) -> str:
    return format_decimal(value, locale=_babel(ctx))


@pass_context
def _day(ctx: Context, value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return format_date(value, format="long", locale=_babel(ctx))


def _babel(ctx: Context) -> Locale:
    return _locale(BABEL_LOCALES.get(str(ctx.get("locale", "de")), "de_DE"))


@cache
def _locale(name: str) -> Locale:
    # Parsed once: babel parses a locale given by name on every call (a third of each amount's cost).
    return Locale.parse(name)
