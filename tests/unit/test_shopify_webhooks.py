"""Shopify webhook adapter: signatures, header handling and payload parsing into snapshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from werkzeug.datastructures import Headers

from app.domain.errors import InvalidSignature, MalformedPayload
from app.domain.snapshots import (
    AppUninstalled,
    CustomerDataRequest,
    CustomerRedactRequest,
    CustomerSnapshot,
    Delivery,
    FulfillmentSnapshot,
    Ignored,
    OrderDeleted,
    OrderSnapshot,
    RefundSnapshot,
    ShopRedactRequest,
)
from app.platforms.shopify.parse import parse_order
from app.platforms.shopify.refunds import parse_refund
from app.platforms.shopify.webhooks import ShopifyWebhookAdapter
from tests.support.webhooks import load_payload, php_json, shopify_headers

SHOP = "kaffee-weiss.myshopify.com"
SECRET = "shpss_current_4f9c2a"
OLD_SECRET = "shpss_previous_81be07"
CET = timezone(timedelta(hours=1))


def deliver(topic: str, payload: dict[str, Any], **header_overrides: str) -> Delivery:
    body = json.dumps(payload).encode()
    headers = shopify_headers(body, topic, SHOP, SECRET) | header_overrides
    adapter = ShopifyWebhookAdapter()
    adapter.verify(headers, body, [SECRET])
    return adapter.parse(headers, body)


def order_event(name: str, topic: str = "orders/paid") -> OrderSnapshot:
    event = deliver(topic, load_payload("shopify", name)).event
    assert isinstance(event, OrderSnapshot)
    return event


def test_signature_over_the_raw_body_is_accepted() -> None:
    body = json.dumps(load_payload("shopify", "orders_paid")).encode()

    ShopifyWebhookAdapter().verify(shopify_headers(body, "orders/paid", SHOP, SECRET), body, [SECRET])


def test_no_configured_secret_rejects_everything() -> None:
    body = b'{"id": 1}'

    with pytest.raises(InvalidSignature):
        ShopifyWebhookAdapter().verify(shopify_headers(body, "orders/paid", SHOP, ""), body, [""])


@pytest.mark.parametrize(
    ("signed_with", "sent_body", "drop_header"),
    [(SECRET, b'{"id": 2}', False), ("not-ours", b'{"id": 1}', False), (SECRET, b'{"id": 1}', True)],
    ids=["tampered body", "another secret", "missing header"],
)
def test_body_without_a_matching_signature_is_rejected(
    signed_with: str, sent_body: bytes, drop_header: bool
) -> None:
    headers = shopify_headers(b'{"id": 1}', "orders/paid", SHOP, signed_with)
    if drop_header:
        del headers["X-Shopify-Hmac-Sha256"]

    with pytest.raises(InvalidSignature):
        ShopifyWebhookAdapter().verify(headers, sent_body, [SECRET])


def test_signature_from_previous_secret_is_accepted_during_rotation() -> None:
    body = b'{"id": 1}'

    ShopifyWebhookAdapter().verify(
        shopify_headers(body, "orders/paid", SHOP, OLD_SECRET), body, [SECRET, OLD_SECRET]
    )


def test_lower_case_header_names_are_accepted() -> None:
    body = json.dumps(load_payload("shopify", "orders_paid")).encode()
    headers = {
        key.lower(): value for key, value in shopify_headers(body, "orders/paid", SHOP, SECRET).items()
    }
    adapter = ShopifyWebhookAdapter()

    adapter.verify(headers, body, [SECRET])
    delivery = adapter.parse(headers, body)

    assert delivery.topic == "orders/paid"
    assert adapter.shop_domain(headers) == SHOP


def test_werkzeug_headers_are_read_case_insensitively() -> None:
    body = b'{"id": 1}'
    headers = Headers(shopify_headers(body, "app/uninstalled", SHOP.upper(), SECRET))
    adapter = ShopifyWebhookAdapter()

    adapter.verify(headers, body, [SECRET])

    assert adapter.shop_domain(headers) == SHOP
    assert adapter.parse(headers, body).event == AppUninstalled()


def test_php_escaped_body_verifies_on_its_raw_bytes() -> None:
    body = php_json(load_payload("shopify", "orders_paid"))
    headers = shopify_headers(body, "orders/paid", SHOP, SECRET)

    adapter = ShopifyWebhookAdapter()

    adapter.verify(headers, body, [SECRET])
    order = adapter.parse(headers, body).event

    assert b"\\u00df" in body  # ß
    assert isinstance(order, OrderSnapshot)
    assert order.line_items[1].title == "Keramiktasse Weiß"


def test_delivery_carries_webhook_id_shop_and_only_shopify_headers() -> None:
    body = b'{"id": 1}'
    headers = shopify_headers(body, "shop/redact", "Kaffee-Weiss.myshopify.com", SECRET, webhook_id="wh-123")

    delivery = ShopifyWebhookAdapter().parse(headers, body)

    assert (delivery.platform, delivery.shop_domain, delivery.delivery_id) == ("shopify", SHOP, "wh-123")
    assert delivery.body == body
    assert "content-type" not in delivery.headers
    assert delivery.headers["x-shopify-api-version"] == "2025-07"


@pytest.mark.parametrize("header", ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id"])
def test_missing_required_header_is_malformed(header: str) -> None:
    body = b'{"id": 1}'
    headers = shopify_headers(body, "orders/paid", SHOP, SECRET)
    del headers[header]

    with pytest.raises(MalformedPayload) as excinfo:
        ShopifyWebhookAdapter().parse(headers, body)

    assert header.lower() in excinfo.value.errors


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe{", b"[" * 100_000])
def test_body_that_is_not_a_json_object_is_malformed(body: bytes) -> None:
    headers = shopify_headers(body, "orders/paid", SHOP, SECRET)

    with pytest.raises(MalformedPayload):
        ShopifyWebhookAdapter().parse(headers, body)


def test_paid_tax_inclusive_order_reports_merchandise_net_of_vat() -> None:
    order = order_event("orders_paid")

    # subtotal 58.23 (64.70 − 10 % TREUE10) minus line VAT 7.16 + 2.14; shipping 4.90 minus 0.78 VAT
    assert order.merchandise == Decimal("48.93")
    assert order.shipping == Decimal("4.12")
    assert order.tax == Decimal("10.08")
    assert order.total == Decimal("63.13")
    assert order.merchandise + order.shipping + order.tax == order.total


def test_paid_order_identity_status_and_dates() -> None:
    order = order_event("orders_paid")

    assert (order.order_ref, order.name, order.currency) == ("5843219873902", "#1042", "EUR")
    assert order.is_paid
    assert not order.is_cancelled
    assert order.taxes_included
    assert order.financial_status == "paid"
    assert order.created_at == datetime(2025, 3, 14, 10, 22, 31, tzinfo=CET)
    assert order.updated_at == datetime(2025, 3, 14, 9, 22, 35, tzinfo=UTC)
    assert order.paid_at == order.created_at
    assert order.fulfilled_at is None
    assert order.refunds == ()
    assert order.discount_codes == ("TREUE10",)
    assert not order.is_test


def test_paid_order_line_items_are_after_discount_and_without_vat() -> None:
    lines = order_event("orders_paid").line_items

    assert [(line.ref, line.quantity, line.amount) for line in lines] == [
        ("14221300000001", 2, Decimal("37.66")),  # 2 × 24.90 − 4.98 − 7.16
        ("14221300000002", 1, Decimal("11.27")),  # 14.90 − 1.49 − 2.14
    ]
    assert lines[0].product_ref == "8123400000001"
    assert lines[0].sku == "KAF-MORGEN-500"


def test_paid_order_customer_with_marketing_consent_and_locale() -> None:
    order = order_event("orders_paid")

    assert order.customer == CustomerSnapshot(
        customer_ref="7712345678901",
        email="juergen.weiss@example.de",
        first_name="Jürgen",
        last_name="Weiß",
        accepts_marketing=True,
        locale="de",
        updated_at=datetime(2024, 11, 2, 18, 4, 11, tzinfo=CET),
    )
    assert order.email == "juergen.weiss@example.de"
    assert order.shipping_address_key is not None
    assert len(order.shipping_address_key) == 32


def test_pending_order_is_not_paid() -> None:
    order = order_event("orders_create", "orders/create")

    assert not order.is_paid
    assert order.paid_at is None
    assert order.customer is not None
    assert not order.customer.accepts_marketing
    assert (order.merchandise, order.shipping, order.tax, order.total) == (
        Decimal("20.92"),
        Decimal("4.12"),
        Decimal("4.76"),
        Decimal("29.80"),
    )


def test_cancelled_order_is_cancelled_with_its_date() -> None:
    order = order_event("orders_cancelled", "orders/cancelled")

    assert order.is_cancelled
    assert not order.is_paid
    assert order.cancelled_at == datetime(2025, 3, 18, 9, 0, 3, tzinfo=CET)


def test_guest_order_has_no_customer_but_keeps_the_email() -> None:
    order = order_event("orders_paid_guest")

    assert order.customer is None
    assert order.email == "bjoern.odegard@example.de"
    assert order.merchandise == Decimal("25.04")  # 29.80 − 4.76 VAT


def test_partially_refunded_order_carries_its_refund() -> None:
    order = order_event("orders_updated_partial_refund", "orders/updated")

    assert order.is_paid
    assert order.financial_status == "partially_refunded"
    assert order.refunds == (
        RefundSnapshot(
            order_ref="5843219873902",
            refund_ref="1021345678901",
            lines_amount=Decimal("13.41"),
            lines_tax=Decimal("2.14"),
            shipping=Decimal("0"),
            total=Decimal("13.41"),
            created_at=datetime(2025, 3, 20, 14, 5, 12, tzinfo=CET),
        ),
    )


def test_fulfilled_order_takes_the_latest_fulfilment_date() -> None:
    payload = load_payload("shopify", "orders_paid") | {"fulfillment_status": "fulfilled"}
    payload["fulfillments"] = [
        {"id": 1, "status": "success", "created_at": "2025-03-15T09:00:00+01:00"},
        {"id": 2, "status": "success", "created_at": "2025-03-16T09:00:00+01:00"},
    ]

    assert parse_order(payload).fulfilled_at == datetime(2025, 3, 16, 9, 0, tzinfo=CET)


def test_shop_money_is_preferred_over_presentment_flat_fields() -> None:
    payload = load_payload("shopify", "orders_paid") | {"total_price": "70.00"}

    assert parse_order(payload).total == Decimal("63.13")


def test_order_name_falls_back_to_order_number() -> None:
    payload = load_payload("shopify", "orders_paid")
    del payload["name"]

    assert parse_order(payload).name == "#1042"


def test_very_long_unicode_titles_are_truncated() -> None:
    payload = load_payload("shopify", "orders_paid")
    payload["line_items"][0]["title"] = "Kaffeé ☕ " * 100

    assert len(parse_order(payload).line_items[0].title) == 255


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", None),
        ("id", True),
        ("created_at", None),
        ("created_at", "gestern"),
        ("currency", None),
        ("total_price", "abc"),
        ("total_price", "-5.00"),
        ("total_price", "1e999999"),
        ("line_items", "none"),
        ("customer", ["x"]),
        ("line_items", [{"id": 1, "quantity": 1.5, "price": "1.00"}]),
        ("line_items", [{"id": 1, "quantity": "2", "price": "1.00"}]),
        ("line_items", [{"id": 1, "quantity": -1, "price": "1.00"}]),
    ],
)
def test_bad_order_field_is_malformed(field: str, value: object) -> None:
    payload = load_payload("shopify", "orders_paid") | {field: value}
    payload.pop("total_price_set")

    with pytest.raises(MalformedPayload):
        parse_order(payload)


def test_refund_of_one_line_reports_line_amount_tax_and_money_refunded() -> None:
    refund = deliver("refunds/create", load_payload("shopify", "refunds_create")).event

    assert isinstance(refund, RefundSnapshot)
    assert (refund.order_ref, refund.refund_ref) == ("5843219873902", "1021345678901")
    assert (refund.lines_amount, refund.lines_tax, refund.shipping, refund.total) == (
        Decimal("13.41"),
        Decimal("2.14"),
        Decimal("0"),
        Decimal("13.41"),
    )


def test_shipping_only_refund_counts_shipping_once() -> None:
    refund = parse_refund(load_payload("shopify", "refunds_create_shipping_only"))

    # reported both as refund_shipping_lines (4.90 with tax) and as a shipping_refund adjustment (−4.12 + −0.78 tax)
    assert (refund.lines_amount, refund.shipping, refund.shipping_tax, refund.total) == (
        Decimal("0"),
        Decimal("4.12"),
        Decimal("0.78"),
        Decimal("4.90"),
    )


def test_legacy_shipping_refund_adjustment_counts_as_shipping() -> None:
    payload = load_payload("shopify", "refunds_create_shipping_only") | {"refund_shipping_lines": []}

    assert parse_refund(payload).shipping == Decimal("4.12")


def test_refund_without_transactions_totals_lines_and_shipping() -> None:
    payload = load_payload("shopify", "refunds_create") | {"transactions": []}

    assert parse_refund(payload).total == Decimal("13.41")


def test_failed_refund_transaction_refunds_nothing() -> None:
    payload = load_payload("shopify", "refunds_create")
    payload["transactions"][0]["status"] = "failure"

    assert parse_refund(payload).total == Decimal("0")


def test_customer_create_becomes_customer_snapshot() -> None:
    customer = deliver("customers/create", load_payload("shopify", "customers_create")).event

    assert isinstance(customer, CustomerSnapshot)
    assert (customer.customer_ref, customer.email) == ("7712345678902", "zoe.mueller@example.de")
    assert (customer.first_name, customer.last_name, customer.accepts_marketing) == ("Zoë", "Müller", None)


@pytest.mark.parametrize(("state", "accepts"), [
    ("subscribed", True), ("not_subscribed", None), ("pending", None),
    ("unsubscribed", False), ("redacted", False), ("invalid", False),
])
def test_the_customers_marketing_consent_state_says_subscribed_withdrawn_or_nothing(state, accepts) -> None:
    payload = load_payload("shopify", "customers_create")
    payload["email_marketing_consent"] = {"state": state, "opt_in_level": "single_opt_in", "consent_updated_at": None}

    assert deliver("customers/create", payload).event.accepts_marketing is accepts


@pytest.mark.parametrize("status", ["success", "pending"])
def test_only_successful_fulfilment_becomes_fulfilment_snapshot(status: str) -> None:
    payload = {
        "id": 1,
        "order_id": 5843219873902,
        "status": status,
        "created_at": "2025-03-15T09:00:00+01:00",
    }
    fulfilled = FulfillmentSnapshot("5843219873902", datetime(2025, 3, 15, 9, 0, tzinfo=CET))

    assert deliver("fulfillments/update", payload).event == (
        fulfilled if status == "success" else Ignored("fulfillment status pending")
    )


def test_compliance_topics_become_privacy_requests() -> None:
    assert deliver("customers/data_request", load_payload("shopify", "customers_data_request")).event == (
        CustomerDataRequest(
            customer_ref="7712345678901", email="juergen.weiss@example.de", request_ref="9912345"
        )
    )
    assert deliver(
        "customers/redact", load_payload("shopify", "customers_redact")
    ).event == CustomerRedactRequest(
        customer_ref="7712345678901",
        email="juergen.weiss@example.de",
        order_refs=("5843219873902", "5843219873911"),
    )
    assert deliver("shop/redact", load_payload("shopify", "shop_redact")).event == ShopRedactRequest()


@pytest.mark.parametrize(
    ("topic", "payload", "event"),
    [
        ("orders/edited", {"order_edit": {"id": 1}}, Ignored("orders/edited")),  # orders/updated follows
        ("orders/delete", {"id": 5843219873902}, OrderDeleted("5843219873902")),
        ("customers/delete", {"id": 7712345678901}, Ignored("customers/delete")),
        ("app/uninstalled", load_payload("shopify", "app_uninstalled"), AppUninstalled()),
        ("products/update", {"id": 1}, Ignored("unhandled topic products/update")),
    ],
)
def test_topic_without_order_state_maps_to_its_event(
    topic: str, payload: dict[str, Any], event: object
) -> None:
    assert deliver(topic, payload).event == event
