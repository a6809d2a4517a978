"""Placeholders in the merchant's email texts: which each kind of email fills in, and checking a text against them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# What each kind's messages really carry when they are sent (services/email_content.py fills them in). A
# placeholder another kind has is refused here: a thank-you email has no coupon code, a referral's email serves
# both its variants (points or a coupon), so only {reward} says what the referrer got.
_EVERY_KIND = ("first_name", "shop")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "thank_you": (*_EVERY_KIND, "order", "points_earned", "balance"),
    "review_request": (*_EVERY_KIND, "order", "review_points"),
    "review_reminder": (*_EVERY_KIND, "order", "review_points"),
    "points_expiring": (*_EVERY_KIND, "points"),
    "tier_upgrade": (*_EVERY_KIND, "tier"),
    "reward_issued": (*_EVERY_KIND, "reward", "code"),
    "referral_rewarded": (*_EVERY_KIND, "reward"),
    # a campaign's subject and body (the merchant's, per campaign) and its settings intro: the balance is the
    # member's when the email is sent
    "campaign": (*_EVERY_KIND, "balance"),
}
KNOWN = frozenset(name for names in PLACEHOLDERS.values() for name in names)

# A well-formed placeholder: a name in braces (what rendering replaces).
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Anything in braces, or a brace that pairs with none: each is one placeholder or one fault.
_BRACED = re.compile(r"\{([^{}]*)\}|[{}]")
_SHOWN = 40  # characters of a faulty placeholder a message repeats
_DOUBLED = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def allowed_text(kind: str) -> str:
    """The placeholders of `kind` as a reader writes them: "{first_name}, {shop}, {order}"."""
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS[kind])


def text_problems(text: str, kind: str) -> list[str]:
    """What is wrong with the placeholders of one text of `kind` (English; `i18n.validation` has the German).

    Unknown names, names this kind does not fill in and braces that open or close no placeholder each give one
    message naming the fault and the allowed placeholders; a text without faults gives none.
    """
    allowed = allowed_text(kind)
    problems: list[str] = []
    # "{{first_name}}" (as Shopify's Liquid writes it) is one fault, said as such, not two stray braces.
    for doubled in _DOUBLED.finditer(text):
        name = doubled.group(1)
        if name in PLACEHOLDERS[kind]:
            problems.append(f"Write {{{name}}} with single braces, not {{{{{name}}}}}.")
    text = _DOUBLED.sub(lambda m: f"{{{m.group(1)}}}", text)
    for found in _BRACED.finditer(text):
        name = found.group(1)
        if name is None and found.group(0) == "}":
            problem = f"A }} closes no placeholder. Allowed: {allowed}."
        elif name is None:
            fragment = re.match(r"\{\w*", text[found.start():])
            shown = _shorten(fragment.group(0) if fragment else "{")
            problem = (f"The placeholder {shown} is not closed with a }}. Allowed: {allowed}." if shown != "{"
                       else f"A {{ opens no placeholder. Allowed: {allowed}.")
        elif name in PLACEHOLDERS[kind]:
            continue
        elif name in KNOWN:
            problem = f"This email has no {{{name}}}. Allowed: {allowed}."
        else:
            problem = f"Unknown placeholder {{{_shorten(name)}}}. Allowed: {allowed}."
        if problem not in problems:
            problems.append(problem)
    return problems


def email_text_errors(kinds: Mapping[str, Any]) -> dict[str, Any]:
    """Per-field problems of the texts in a settings document's `kinds` part, shaped like it.

    `{"thank_you": {"subject": {"de": ["Unknown placeholder {name}. …"]}}}`; parts other than texts (`enabled`)
    and kinds without placeholders rules are left alone; no problems give an empty dict.
    """
    errors: dict[str, Any] = {}
    for kind, parts in kinds.items():
        if kind not in PLACEHOLDERS or not isinstance(parts, Mapping):
            continue
        for part, texts in parts.items():
            if not isinstance(texts, Mapping):
                continue
            for locale, text in texts.items():
                problems = text_problems(text, kind) if isinstance(text, str) else []
                if problems:
                    errors.setdefault(kind, {}).setdefault(part, {})[locale] = problems
    return errors


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
