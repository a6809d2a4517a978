"""Earning rules: which amounts count, how many points they are worth, and what an order should hold now."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

ROUNDINGS = {"down": ROUND_DOWN, "half_up": ROUND_HALF_UP, "up": ROUND_UP}


@dataclass(frozen=True)
class EarningRules:
    """The rules an order earns under; snapshotted onto the order when it is first paid."""

    points_per_unit: Decimal = Decimal("1")
    include_shipping: bool = False
    include_tax: bool = False
    rounding: str = "down"
    multiplier: Decimal = Decimal("1")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for storage on the order row."""
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EarningRules:
        """Inverse of `to_dict`."""
        return cls(
            points_per_unit=Decimal(str(data["points_per_unit"])),
            include_shipping=bool(data["include_shipping"]),
            include_tax=bool(data["include_tax"]),
            rounding=str(data["rounding"]),
            multiplier=Decimal(str(data.get("multiplier", "1"))),
        )


@dataclass(frozen=True)
class OrderAmounts:
    """What an order is worth now: gross amounts and what has been refunded of each."""

    merchandise: Decimal
    shipping: Decimal
    tax: Decimal
    refunded_merchandise: Decimal
    refunded_shipping: Decimal
    refunded_tax: Decimal


def points_for(amount: Decimal, rules: EarningRules) -> int:
    """Points for an amount of money under the rules, rounded as the shop chose; never negative."""
    if amount <= 0:
        return 0
    raw = amount * rules.points_per_unit * rules.multiplier
    return int(raw.quantize(Decimal("1"), rounding=ROUNDINGS[rules.rounding]))


def countable(amounts: OrderAmounts, rules: EarningRules) -> tuple[Decimal, Decimal]:
    """The gross amount that earns points and how much of it has been refunded."""
    gross = amounts.merchandise
    refunded = min(amounts.refunded_merchandise, amounts.merchandise)
    if rules.include_shipping:
        gross += amounts.shipping
        refunded += min(amounts.refunded_shipping, amounts.shipping)
    if rules.include_tax:
        gross += amounts.tax
        refunded += min(amounts.refunded_tax, amounts.tax)
    return gross, refunded


# Platforms whose orders can be in another currency than the shop's (a WooCommerce multi-currency plugin's); a
# Shopify order's amounts are shop money whatever its shopper paid in (presentment money is apart, PLATFORMS §1.6).
MIXED_CURRENCY_PLATFORMS = frozenset({"woocommerce"})


def in_shop_currency(platform: str, order_currency: str, shop_currency: str) -> bool:
    """Whether an order's amounts are in the shop's currency (an unknown currency on either side counts as it)."""
    if platform not in MIXED_CURRENCY_PLATFORMS or not order_currency or not shop_currency:
        return True
    return order_currency.upper() == shop_currency.upper()


def target_points(
    amounts: OrderAmounts, rules: EarningRules, *, is_paid: bool, is_cancelled: bool, in_shop_currency: bool = True
) -> int:
    """What the ledger should hold for this order now.

    A paid order holds what its countable amount earns, less what was refunded of that amount: a partial
    refund leaves the points the kept goods earn, rounded as the shop chose (95.50 € earns 95 at 1 per euro;
    36.21 € refunded leaves 59.29 € and 59 points). A shipping-only refund reverses nothing by default;
    cancellation reverses all. An order in another currency than the shop's (a WooCommerce multi-currency
    plugin's) earns nothing: its amounts are not in the currency the rate is set in, and no rate to convert them
    comes with it; counted at face value, a shopper paying in koruna would earn 25 times the points.
    """
    if not is_paid or is_cancelled or not in_shop_currency:
        return 0
    gross, refunded = countable(amounts, rules)
    return points_for(gross - max(refunded, Decimal("0")), rules)
