"""Shopify refunds (refunds/create, an order's `refunds[]`) as neutral `RefundSnapshot`s, in shop currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.domain.snapshots import ZERO, RefundSnapshot
from app.platforms.payload import amount, money, obj, objects, opt_timestamp, ref

CENT = Decimal("0.01")
# Money sets of a refund that carry both currencies: what converts the customer's currency into the shop's.
_SETS = (("refund_line_items", "subtotal_set"), ("refund_line_items", "total_tax_set"),
         ("refund_shipping_lines", "subtotal_amount_set"), ("order_adjustments", "amount_set"))


def parse_refund(payload: dict[str, Any]) -> RefundSnapshot:
    """A refunds/create payload."""
    return refund_snapshot(payload)


def refund_snapshot(
    payload: dict[str, Any], order_ref: str | None = None, order: dict[str, Any] | None = None
) -> RefundSnapshot:
    """One refund; `order` is the order payload it came in (its currency and total convert the transactions)."""
    if order_ref is None or payload.get("order_id") is not None:
        order_ref = ref(payload.get("order_id"), "order_id")
    lines = objects(payload.get("refund_line_items"), "refund_line_items")
    lines_amount = sum((money(line, "subtotal", "refund_line_items.subtotal") for line in lines), ZERO)
    lines_tax = sum((money(line, "total_tax", "refund_line_items.total_tax", ZERO) for line in lines), ZERO)
    shipping, shipping_tax = _refunded_shipping(payload)
    # What the refund itemises, read both ways: line subtotals with their tax inside, or with it on top.
    itemised = (lines_amount + shipping + shipping_tax, lines_amount + lines_tax + shipping + shipping_tax)
    transactions = objects(payload.get("transactions"), "transactions")
    total = _refunded_money(payload, transactions, order, itemised) if transactions else itemised[0]
    # Gift cards earned nothing (parse._gift_cards): their refund takes nothing back, as merchandise or as money
    # the refund does not explain.
    gift_cards = [line for line in lines if _is_gift_card(line, order)]
    gift_amount = sum((money(line, "subtotal", "refund_line_items.subtotal") for line in gift_cards), ZERO)
    gift_tax = sum((money(line, "total_tax", "refund_line_items.total_tax", ZERO) for line in gift_cards), ZERO)
    return RefundSnapshot(
        order_ref=order_ref,
        refund_ref=ref(payload.get("id"), "id"),
        lines_amount=lines_amount - gift_amount,
        lines_tax=lines_tax - gift_tax,
        shipping=shipping,
        shipping_tax=shipping_tax,
        total=max(ZERO, total - gift_amount),
        created_at=opt_timestamp(payload.get("created_at"), "created_at"),
    )


def _is_gift_card(line: dict[str, Any], order: dict[str, Any] | None) -> bool:
    """Whether a refunded line is a gift card: its own `line_item` says so, or the order's line of that id."""
    if obj(line.get("line_item"), "refund_line_items.line_item").get("gift_card") is True:
        return True
    if order is None:
        return False
    line_id = line.get("line_item_id")
    return line_id is not None and any(
        item.get("id") == line_id and item.get("gift_card") is True
        for item in objects(order.get("line_items"), "line_items")
    )


def _refunded_shipping(payload: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Refunded shipping net of tax, and its tax.

    Current API versions report a shipping refund twice: as `refund_shipping_lines` (the subtotal in the shop's
    price basis) and as a `shipping_refund` order adjustment (net amount and tax, negative; shopify-app-js
    2025-04 refund fixtures). The adjustment states both parts whatever the basis, so it counts when present.
    """
    adjustments = objects(payload.get("order_adjustments"), "order_adjustments")
    shipping_refunds = [a for a in adjustments if a.get("kind") == "shipping_refund"]
    if shipping_refunds:
        net = sum((-_signed_money(a, "amount", "order_adjustments.amount") for a in shipping_refunds), ZERO)
        tax = sum((-_signed_money(a, "tax_amount", "order_adjustments.tax_amount") for a in shipping_refunds), ZERO)
        return net, tax
    lines = objects(payload.get("refund_shipping_lines"), "refund_shipping_lines")
    field = "refund_shipping_lines.subtotal_amount"
    subtotal = sum((money(line, "subtotal_amount", field) for line in lines), ZERO)
    tax = sum((money(line, "tax_amount", "refund_shipping_lines.tax_amount", ZERO) for line in lines), ZERO)
    return subtotal, tax


def _refunded_money(
    payload: dict[str, Any],
    transactions: list[dict[str, Any]],
    order: dict[str, Any] | None,
    itemised: tuple[Decimal, Decimal],
) -> Decimal:
    """What the successful refund transactions paid back, in shop currency.

    Transactions are in the order's presentment currency (the customer's), which may differ from the shop's;
    they are converted at the rate the refund's (or the order's) own money sets show, and a converted total
    within the conversion's rounding of what the refund itemises is that amount. With no rate, only what the
    refund itemises counts (the smaller reading): a foreign amount is never taken for shop money.
    """
    shop_currency, rate = _conversion(payload, order)
    total, converted = ZERO, False
    for transaction in transactions:
        if transaction.get("kind") != "refund" or transaction.get("status") != "success":
            continue
        value = amount(transaction.get("amount"), "transactions.amount")
        currency = transaction.get("currency")
        if isinstance(currency, str) and shop_currency is not None and currency.upper() != shop_currency:
            if rate is None:
                return itemised[0]
            value, converted = (value * rate).quantize(CENT, rounding=ROUND_HALF_UP), True
        total += value
    if converted:
        tolerance = CENT * (len(objects(payload.get("refund_line_items"), "refund_line_items")) + 2)
        return next((reading for reading in itemised if abs(total - reading) <= tolerance), total)
    return total


def _conversion(payload: dict[str, Any], order: dict[str, Any] | None) -> tuple[str | None, Decimal | None]:
    """The shop's currency and the presentment → shop rate, from the refund's money sets or the order's total."""
    shop_total = presentment_total = ZERO
    shop_currency = None
    holders = [(item, key) for field, key in _SETS for item in objects(payload.get(field), field)]
    if order is not None:
        holders.append((order, "total_price_set"))
    for holder, key in holders:
        money_set = obj(holder.get(key), key)
        shop, presentment = obj(money_set.get("shop_money"), key), obj(money_set.get("presentment_money"), key)
        if shop_currency is None and isinstance(shop.get("currency_code"), str):
            shop_currency = shop["currency_code"].upper()
        if shop.get("amount") is not None and presentment.get("amount") is not None:
            shop_total += abs(amount(shop["amount"], f"{key}.shop_money", signed=True))
            presentment_total += abs(amount(presentment["amount"], f"{key}.presentment_money", signed=True))
    if order is not None and isinstance(order.get("currency"), str):
        shop_currency = order["currency"].upper()
    rate = shop_total / presentment_total if presentment_total > 0 and shop_total > 0 else None
    return shop_currency, rate


def _signed_money(payload: dict[str, Any], key: str, field: str) -> Decimal:
    money_set = obj(payload.get(f"{key}_set"), f"{field}_set")
    raw = obj(money_set.get("shop_money"), f"{field}_set").get("amount", payload.get(key))
    return amount(raw if raw is not None else "0", field, signed=True)
