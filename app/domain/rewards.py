"""Rewards catalogue rules: validation, coupon codes and windows, labels, and next-purchase coupons."""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from app.domain.errors import InvalidInput

RewardKind = Literal["fixed_amount", "percentage", "free_shipping"]
NextPurchaseMode = Literal["first_order", "every_order_above"]

KINDS = ("fixed_amount", "percentage", "free_shipping")
MODES = ("first_order", "every_order_above")
MAX_VALIDITY_DAYS = 3650
LIVE_COUPONS = ("reserved", "pending_push", "active")  # coupon statuses: issued and not used, expired or taken back
# No 0/O, 1/I/L: codes are read off emails and typed in by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31 symbols give 4.95 bits each; three groups of four would be 59.4 bits, so a fourth group makes 79.
CODE_GROUPS = 4
CODE_GROUP_SIZE = 4
CODE_BITS = CODE_GROUPS * CODE_GROUP_SIZE * math.log2(len(CODE_ALPHABET))
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
# A coupon taking more than this off in a currency whose unit is worth about a tenth of a euro or more is a slip of
# the keyboard (a German "7,50" read as 750), not a reward. Currencies with a smaller unit (JPY, KRW, HUF, IDR, …)
# know ordinary coupons of 10,000: they have no such ceiling.
PLAUSIBLE_COUPON_AMOUNT = Decimal("10000")
CAPPED_CURRENCIES = frozenset({
    "AED", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP", "HKD", "ILS", "NOK", "NZD", "PLN", "RON",
    "SAR", "SEK", "SGD", "USD",
})
IMPLAUSIBLE_AMOUNT = "At most 10,000: a larger coupon is most likely a typing slip."


@dataclass(frozen=True)
class RewardDef:
    """A reward members buy with points; it becomes a coupon valid for `validity_days`."""

    kind: RewardKind
    name: str
    points_cost: int
    value: Decimal
    minimum_order: Decimal | None = None
    validity_days: int = 30
    active: bool = True


@dataclass(frozen=True)
class NextPurchaseRule:
    """A coupon sent after a paid order, to bring the customer back."""

    mode: NextPurchaseMode
    threshold: Decimal
    kind: RewardKind
    value: Decimal
    minimum_order: Decimal | None = None
    validity_days: int = 30
    enabled: bool = True


def is_plausible_coupon_amount(amount: Decimal, currency: str | None) -> bool:
    """False for a fixed coupon amount no shop means (over 10,000 in a currency like EUR: module constants); any
    amount is plausible when the currency is unknown (None) or has a small unit."""
    return (currency or "").upper() not in CAPPED_CURRENCIES or amount <= PLAUSIBLE_COUPON_AMOUNT


def coupon_value_problem(kind: str, value: Decimal, currency: str | None = None) -> str | None:
    """What is wrong with a coupon's value for its kind (an amount, a percentage, nothing for free shipping), or
    None. `currency`: the shop's, to refuse an implausible amount (`is_plausible_coupon_amount`)."""
    if not value.is_finite():
        return "Not a valid number."
    if kind == "fixed_amount" and value <= 0:
        return "Must be more than 0."
    if kind == "fixed_amount" and not is_plausible_coupon_amount(value, currency):
        return IMPLAUSIBLE_AMOUNT
    if kind == "percentage" and not 0 < value <= 100:
        return "Must be more than 0 and at most 100."
    if kind == "free_shipping" and value != 0:
        return "Must be 0 for free shipping."
    return None


def _coupon_errors(
    kind: str, value: Decimal, minimum_order: Decimal | None, validity_days: int, currency: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = f"Must be one of: {', '.join(KINDS)}."
    elif problem := coupon_value_problem(kind, value, currency):
        errors["value"] = problem
    if minimum_order is not None and minimum_order < 0:
        errors["minimum_order"] = "Must be 0 or more."
    if not 1 <= validity_days <= MAX_VALIDITY_DAYS:
        errors["validity_days"] = f"Must be between 1 and {MAX_VALIDITY_DAYS}."
    return errors


def validate_reward(reward: RewardDef, currency: str | None = None) -> None:
    """Raise InvalidInput with one message per faulty field (`currency`: the shop's, see `coupon_value_problem`)."""
    errors = _coupon_errors(reward.kind, reward.value, reward.minimum_order, reward.validity_days, currency)
    if not reward.name.strip():
        errors["name"] = "Must not be empty."
    if reward.points_cost <= 0:
        errors["points_cost"] = "Must be more than 0."
    if errors:
        raise InvalidInput("The reward is not valid.", errors=errors)


def validate_next_purchase_rule(rule: NextPurchaseRule, currency: str | None = None) -> None:
    """Raise InvalidInput with one message per faulty field (`currency`: the shop's, see `coupon_value_problem`)."""
    errors = _coupon_errors(rule.kind, rule.value, rule.minimum_order, rule.validity_days, currency)
    if rule.mode not in MODES:
        errors["mode"] = f"Must be one of: {', '.join(MODES)}."
    if rule.threshold < 0:
        errors["threshold"] = "Must be 0 or more."
    if errors:
        raise InvalidInput("The next-purchase rule is not valid.", errors=errors)


def generate_code(prefix: str = "TREUE", rng: random.Random | None = None) -> str:
    """A hard-to-guess coupon code like "TREUE-7K2M-9QXP-H4TD-W8RC" (79 bits from `secrets`).

    Pass `rng` only in tests, for repeatable codes.
    """
    choose = rng.choice if rng is not None else secrets.choice
    groups = ["".join(choose(CODE_ALPHABET) for _ in range(CODE_GROUP_SIZE)) for _ in range(CODE_GROUPS)]
    return "-".join([prefix, *groups] if prefix else groups)


def coupon_window(now: datetime, validity_days: int) -> tuple[datetime, datetime]:
    """When a coupon issued now starts and ends."""
    if validity_days < 1:
        raise ValueError("a coupon is valid for at least one day")
    return now, now + timedelta(days=validity_days)


def qualifies(rule: NextPurchaseRule, paid_orders_count: int, order_amount: Decimal) -> bool:
    """Whether a paid order earns the next-purchase coupon.

    `paid_orders_count` includes this order. "first_order" wants it to be the first paid order at or
    above the threshold; "every_order_above" wants any order at or above the threshold.
    """
    if not rule.enabled or order_amount < rule.threshold:
        return False
    if rule.mode == "first_order":
        return paid_orders_count == 1
    return rule.mode == "every_order_above"


def _language(locale: str) -> str:
    return "de" if locale.lower().replace("-", "_").split("_")[0] == "de" else "en"


def _group_thousands(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


NBSP = "\u00a0"  # between a number and its unit, as CLDR (and so the emails' Babel) writes it: never wrapped apart


def format_money(amount: Decimal, locale: str, currency: str) -> str:
    """An amount as German ("1.234,50 €") or English ("€1,234.50") shoppers read it; the space before "€" (and
    after "CHF") is a no-break space, so a narrow widget never puts the amount and its currency on two lines."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    whole, frac = f"{abs(cents):.2f}".split(".")
    code = currency.upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if _language(locale) == "de":
        return f"{sign}{_group_thousands(whole, '.')},{frac}{NBSP}{symbol or code}"
    number = f"{_group_thousands(whole, ',')}.{frac}"
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code}{NBSP}{number}"


def _format_percent(value: Decimal, language: str) -> str:
    text = f"{value.normalize():f}"
    return f"{text.replace('.', ',')}{NBSP}%" if language == "de" else f"{text}%"


def reward_label(reward: RewardDef, locale: str, currency: str) -> str:
    """What the reward gives, in German or English: "5,00 € Rabatt", "10% off", "Free shipping"."""
    return coupon_label(reward.kind, reward.value, locale, currency)


def coupon_label(kind: str, value: Decimal, locale: str, currency: str) -> str:
    """What a coupon of this kind and value gives, in German or English (see `reward_label`)."""
    language = _language(locale)
    if kind == "fixed_amount":
        money = format_money(value, language, currency)
        return f"{money} Rabatt" if language == "de" else f"{money} off"
    if kind == "percentage":
        percent = _format_percent(value, language)
        return f"{percent} Rabatt" if language == "de" else f"{percent} off"
    if kind == "free_shipping":
        return "Kostenloser Versand" if language == "de" else "Free shipping"
    raise ValueError(f"unknown reward kind: {kind!r}")
