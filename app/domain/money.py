"""Money as Decimal with its currency, rounded explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value: object, default: Decimal | None = None) -> Decimal:
    """Parse a platform money value ("49.90", 49.9, None) into a Decimal; raise ValueError when unusable."""
    if value is None or value == "":
        if default is not None:
            return default
        raise ValueError("missing amount")
    if isinstance(value, bool):
        raise ValueError("amount is a boolean")
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


def quantize_money(amount: Decimal) -> Decimal:
    """Round to cents, half up, as shops print prices."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    """An amount in a currency."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{quantize_money(self.amount)} {self.currency}"
