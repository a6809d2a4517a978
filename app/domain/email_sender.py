"""Who a shop's emails come from: its sender name and reply address, checked, and the name a message carries."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from app.domain.email_address import ADDRESS, ADDRESS_MAX

SENDER_NAME_MAX = 70  # a From name longer than this is cut off by most mail clients' inbox lists


def sender_name_problems(value: str) -> list[str]:
    """What keeps `value` from being the display name of the From header ("" is fine: the shop's name)."""
    name = value.strip()
    problems: list[str] = []
    if not name.isprintable():  # line breaks (a second header), tabs, control and invisible format characters
        problems.append("No line breaks or control characters.")
    if len(name) > SENDER_NAME_MAX:
        problems.append(f"At most {SENDER_NAME_MAX} characters.")
    return problems


def reply_to_problems(value: str) -> list[str]:
    """What keeps `value` from being the one address of the Reply-To header ("" is fine: no Reply-To)."""
    address = value.strip()
    if not address:
        return []
    if any(separator in address for separator in ",;") or len(address.replace("@@", "@").split("@")) > 2:
        return ["One email address only."]  # a list ("a@x.de, b@y.de"), not a typo ("a@@x.de")
    if len(address) > ADDRESS_MAX or not ADDRESS.fullmatch(address):
        return ["Not a valid email address."]
    return []


def sender_errors(changes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per-field problems of the sender fields of a settings document (`sender_name`, `reply_to`); the fields it
    does not change are left alone, and no problems give an empty dict."""
    errors: dict[str, list[str]] = {}
    for name, check in (("sender_name", sender_name_problems), ("reply_to", reply_to_problems)):
        value = changes.get(name)
        problems = check(value) if isinstance(value, str) else []
        if problems:
            errors[name] = problems
    return errors


def display_name(sender_name: str, shop_name: str | None) -> str | None:
    """The name in a message's From header: the merchant's sender name, else the shop's name; None when both are
    empty (then the operator's configured From is used as it is).

    A shop's name comes from its platform unchecked: line breaks and control characters become spaces.
    """
    return _tidy(sender_name) or _tidy(shop_name or "") or None


def shown_sender(sender_name: str, shop_name: str | None, operator_from: str) -> str:
    """The From as a reader sees it ("Kaffeerösterei Müller <loyalty@example.com>"): the message's display name
    (`display_name`, else the operator's) with the operator's address."""
    operator_name, address = parseaddr(operator_from)
    name = display_name(sender_name, shop_name) or _tidy(operator_name)
    return f"{name} <{address}>" if name else address


def _tidy(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
