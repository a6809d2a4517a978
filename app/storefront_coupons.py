"""A coupon as the widget's "My rewards" shows it: its code once usable, what it is called and worth, in a language.

The rows come from the storefront's one read statement (`app.queries_storefront`, part 2 of its activity rows).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app.clock import iso_z
from app.domain.rewards import coupon_label
from app.i18n import catalogue, translate


def coupon_shown(
    coupon_id: int, ends_at: datetime | None, kind: str, status: str, code: str | None, more: list[Any],
    locale: str, currency: str,
) -> dict[str, Any]:
    """One of "My rewards": its code only once the shop has it (status active; reserved/pending_push: being made)."""
    value, minimum, source, title, name_de, name_en = more
    value, minimum = _money(value), _money(minimum)
    worth = _value_label(kind, value, locale, currency)
    # A catalogue reward the merchant did not name is called by what it gives, as the catalogue calls it.
    name = coupon_name(source, title, name_de, name_en, locale)
    label = name or (worth if source == "redemption" else None)
    if name and kind == "free_shipping":
        worth = None  # a free-shipping coupon's name says what it gives ("Gratisversand · Kostenloser Versand")
    return {
        "id": coupon_id,
        "code": code if status == "active" else None,
        "status": status,
        "label": label or coupon_reason(source, locale),
        "value_label": worth,
        "ends_at": iso_z(ends_at),
        "minimum_order": str(minimum) if minimum is not None else None,
    }


def coupon_name(source: str, title: str | None, name_de: str | None, name_en: str | None, locale: str) -> str:
    """A coupon's own name in `locale`: its catalogue reward's (the merchant's text in this language, else the
    other), or a campaign's title; "" when it has none."""
    own, other = (name_de, name_en) if locale == "de" else (name_en, name_de)
    name = (own or "").strip() or (other or "").strip()
    if not name and source == "campaign":
        name = (title or "").strip()
    return name


def coupon_reason(source: str, locale: str) -> str:
    """What a coupon without a name was given for ("Dankeschön-Gutschein", "Referral reward"), in `locale`."""
    key = f"storefront.coupon.{source}"
    return translate(key if key in catalogue() else "storefront.coupon.other", locale)


def _money(value: Any) -> Decimal | None:
    """A NUMERIC column as read: Decimal from PostgreSQL, text from SQLite (MoneyType stores it so)."""
    return None if value is None else Decimal(str(value))


def _value_label(kind: str, value: Decimal | None, locale: str, currency: str) -> str | None:
    if value is None:
        return None
    try:
        return coupon_label(kind, value, locale, currency)
    except ValueError:  # a kind this version does not know: the name says enough
        return None
