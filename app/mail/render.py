"""Rendering emails: Jinja2 with autoescape (HTML) and a plain-text twin (`app.mail.mime` assembles the bytes)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
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
        auto_reload=False,  # the templates ship with the code: no stat() of each template file per render
    )
    env.filters["money"] = _money
    env.filters["number"] = _number
    env.filters["day"] = _day
    env.globals["du"] = _address
    return env


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    """Render `templates/<locale>/<kind>.html|.txt`; `context["subject"]` is the (already chosen) subject, and
    `context["formal"]` whether the shop addresses its customers as "Sie" (the German templates' `du(…, …)`)."""
    env = environment()
    values = {**context, "locale": locale}
    html = env.get_template(f"{locale}/{kind}.html").render(values)
    text = env.get_template(f"{locale}/{kind}.txt").render(values)
    unsubscribe = str(context.get("unsubscribe_url") or "")
    return RenderedEmail(
        subject=str(context["subject"]),
        html=html,
        text=_tidy(text),
        unsubscribe_url=unsubscribe if unsubscribe.startswith("http") and not context.get("transactional") else None,
    )


def message_id(shop_id: int, dedupe_key: str, sender: str) -> str:
    """A Message-ID derived from the dedupe key: a resend of the same message carries the same id."""
    digest = hashlib.sha256(f"{shop_id}:{dedupe_key}".encode()).hexdigest()[:20]
    readable = re.sub(r"[^A-Za-z0-9_.-]+", ".", dedupe_key).strip(".")[:60]
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "loyalty.local"
    return f"<{readable}.{digest}@{domain or 'loyalty.local'}>"


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@pass_context
def _address(ctx: Context, informal: str, polite: str) -> str:
    """A German template's words to the shopper as the shop says them: "du" (`informal`) or "Sie" (`polite`)."""
    return polite if ctx.get("formal") else informal


@pass_context
def _money(ctx: Context, amount: Any, currency: str | None = None) -> str:
    return _formatted_money(amount, currency or ctx.get("currency", "EUR"), _babel(ctx))


def format_number(value: Any, locale: str) -> str:
    """A number as an email in `locale` ("de", "en") writes it, like the templates' `number` filter."""
    return _formatted_number(value, BABEL_LOCALES.get(locale, "de_DE"))


@pass_context
def _number(ctx: Context, value: Any) -> str:
    return _formatted_number(value, _babel(ctx))


@pass_context
def _day(ctx: Context, value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return _formatted_day(value, _babel(ctx))


# Babel's pattern formatting was most of a message's rendering CPU, and the same amounts (prices, shipping),
# points and dates come up again and again across messages: each is formatted once per process and locale.
# typed: an int, a float and a Decimal of equal value are formatted apart, as babel might format them apart.
@lru_cache(maxsize=4096, typed=True)
def _formatted_money(value: Any, currency: str, locale: str) -> str:
    # Keyed by the value as the template passes it (a Decimal, or a str from stored JSON): the Decimal
    # conversion runs once per distinct amount, not on every use.
    return format_currency(Decimal(str(value)), currency, locale=_locale(locale))


@lru_cache(maxsize=4096, typed=True)
def _formatted_number(value: Any, locale: str) -> str:
    return format_decimal(value, locale=_locale(locale))


@lru_cache(maxsize=1024, typed=True)
def _formatted_day(value: date, locale: str) -> str:
    return format_date(value, format="long", locale=_locale(locale))


def _babel(ctx: Context) -> str:
    return BABEL_LOCALES.get(str(ctx.get("locale", "de")), "de_DE")


@cache
def _locale(name: str) -> Locale:
    # Parsed once: babel parses a locale given by name on every call (a third of each amount's cost).
    return Locale.parse(name)
