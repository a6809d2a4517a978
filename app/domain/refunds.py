"""What an order's refunds take back of each part of it (merchandise, shipping, tax)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

ZERO = Decimal("0")


class RefundedOrder(Protocol):
    merchandise: Decimal
    refunded_merchandise: Decimal


def goods_returned(order: RefundedOrder) -> bool:
    """Every item of the order was refunded: for its thank-you, coupons, review request and referral as good as a
    cancellation. A refund of the shipping only, of a goodwill amount or of some items leaves goods with the
    customer, and those stay."""
    return order.refunded_merchandise > ZERO and order.refunded_merchandise >= order.merchandise


@dataclass(frozen=True)
class RefundParts:
    """One refund as the platform describes it (see `RefundSnapshot`)."""

    lines_amount: Decimal
    lines_tax: Decimal
    shipping: Decimal
    total: Decimal
    shipping_tax: Decimal = ZERO


@dataclass(frozen=True)
class Refunded:
    """Refunded amounts on the order's own basis: merchandise without tax, shipping, tax, money."""

    merchandise: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal


def refunded_amounts(
    refunds: Iterable[RefundParts],
    *,
    order_merchandise: Decimal,
    order_shipping: Decimal,
    order_tax: Decimal,
    order_total: Decimal,
    taxes_included: bool,
) -> Refunded:
    """Sum the refunds onto the order's basis.

    Refunded lines count with their tax taken out (tax-inclusive shops) and shipping (net, its tax apart)
    separately, so a shipping-only refund touches no merchandise. Money that neither lines nor shipping
    explain (an amount-only refund, or WooCommerce, whose order payload carries only refund totals) is spread
    over the order's parts in proportion to what each is of the order total.
    """
    merchandise = shipping = tax = total = ZERO
    for refund in refunds:
        lines_net = refund.lines_amount - refund.lines_tax if taxes_included else refund.lines_amount
        lines_gross = refund.lines_amount if taxes_included else refund.lines_amount + refund.lines_tax
        unexplained = max(ZERO, refund.total - lines_gross - refund.shipping - refund.shipping_tax)
        merchandise += lines_net
        shipping += refund.shipping
        tax += refund.lines_tax + refund.shipping_tax
        total += refund.total
        if unexplained and order_total > 0:
            merchandise += unexplained * order_merchandise / order_total
            shipping += unexplained * order_shipping / order_total
            tax += unexplained * order_tax / order_total
    return Refunded(
        merchandise=min(merchandise, order_merchandise) if order_merchandise > 0 else merchandise,
        shipping=min(shipping, order_shipping) if order_shipping > 0 else shipping,
        tax=min(tax, order_tax) if order_tax > 0 else tax,
        total=total,
    )
