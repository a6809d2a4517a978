"""Generic field readers for platform payloads: ids, texts, amounts, timestamps; bad input is MalformedPayload."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NoReturn

from app.domain.errors import MalformedPayload
from app.domain.money import to_decimal

MAX_AMOUNT = Decimal(10) ** 12  # far above any real order; keeps Decimal arithmetic clear of overflow
MAX_QUANTITY = 1_000_000
TEXT_LIMIT = 255
CURRENCY = re.compile(r"[A-Za-z]{3}")


def fail(field: str, message: str) -> NoReturn:
    """Raise `MalformedPayload` for one field."""
    raise MalformedPayload(errors={field: message})


def obj(value: object, field: str) -> dict[str, Any]:
    """An optional JSON object: missing or null becomes `{}`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        fail(field, "must be an object")
    return value


def objects(value: object, field: str) -> list[dict[str, Any]]:
    """An optional list of JSON objects: missing or null becomes `[]`."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        fail(field, "must be a list of objects")
    return value


def ref(value: object, field: str) -> str:
    """A platform id (integer or non-empty string) as a string."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**30:
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 64 and value.isprintable():
        return value.strip()
    return fail(field, "must be an id")


def opt_ref(value: object, field: str) -> str | None:
    """An optional platform id; 0 and null mean none."""
    return None if value in (None, 0, "") else ref(value, field)


def text(value: object, limit: int = TEXT_LIMIT) -> str | None:
    """Display text, stripped and truncated; anything but a non-empty string is None."""
    if not isinstance(value, str):
        return None
    # NUL and other control characters have no place in names and titles (PostgreSQL refuses NUL outright).
    if not value.isprintable():  # the rare case: filter character by character
        value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
    cleaned = value.strip()
    return cleaned[:limit] or None


def email(value: object) -> str | None:
    """An e-mail address, or None when absent or obviously not one."""
    candidate = text(value, 1000)
    return candidate if candidate and "@" in candidate and len(candidate) <= 254 else None


def amount(value: object, field: str, default: Decimal | None = None, signed: bool = False) -> Decimal:
    """A money value within sane bounds; negative only when `signed`."""
    try:
        result = to_decimal(value, default)
    except ValueError as exc:
        fail(field, str(exc)[:100])
    if abs(result) > MAX_AMOUNT:
        fail(field, "amount out of range")
    if result < 0 and not signed:
        fail(field, "must not be negative")
    return result


def quantity(value: object, field: str) -> int:
    """A line quantity: a whole, non-negative number."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_QUANTITY:
        fail(field, "must be a whole number between 0 and 1000000")
    return value


def timestamp(value: object, field: str) -> datetime:
    """An ISO-8601 timestamp; naive values are UTC."""
    if not isinstance(value, str):
        fail(field, "must be an ISO-8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(field, "must be an ISO-8601 timestamp")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def opt_timestamp(value: object, field: str) -> datetime | None:
    """An optional ISO-8601 timestamp."""
    return None if value in (None, "") else timestamp(value, field)


def address_key(*parts: object) -> str | None:
    """sha256 hex[:32] of the normalised `street|zip|country`, or None without a street or zip."""
    cleaned = [part.strip().lower() if isinstance(part, str) else "" for part in parts]
    if not any(cleaned[:2]):
        return None
    return hashlib.sha256("|".join(cleaned).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def money(payload: dict[str, Any], key: str, field: str, default: Decimal | None = None) -> Decimal:
    """Prefer `<key>_set.shop_money.amount` over the flat `<key>` (presentment currency may differ)."""
    money_set = payload.get(f"{key}_set")
    if isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict):
        shop_amount = money_set["shop_money"].get("amount")
        if shop_amount is not None:
            return amount(shop_amount, f"{field}_set", default)
    return amount(payload.get(key), field, default)
