"""WooCommerce webhook adapter: pings, signatures, header handling and payload parsing into snapshots."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from werkzeug.datastructures import Headers

from app.domain.errors import InvalidSignature, MalformedPayload
from app.domain.snapshots import (
    CustomerSnapshot,
    Delivery,
    Ignored,
    OrderDeleted,
    OrderSnapshot,
    RefundSnapshot,
)
from app.platforms.woocommerce.parse import parse_order
from app.platforms.woocommerce.webhooks import WooCommerceWebhookAdapter, is_ping, wp_specialchars_decode
from tests.support.webhooks import load_payload, php_json, woocommerce_headers

SOURCE = "https://kaffee-weiss.de/"
SHOP = "https://kaffee-weiss.de"
SECRET = "wc-secret-7Hq2&x9"


def deliver(topic: str, payload: dict[str, Any], **header_overrides: str) -> Delivery:
    body = php_json(payload)
    headers = woocommerce_headers(body, topic, SOURCE, SECRET) | header_overrides
    adapter = WooCommerceWebhookAdapter()
    adapter.verify(headers, body, [SECRET])
    return adapter.parse(headers, body)


def order_event(name: str, topic: str = "order.updated") -> OrderSnapshot:
    event = deliver(topic, load_payload("woocommerce", name)).event
    assert isinstance(event, OrderSnapshot)
    return event


# --- ping


def test_activation_ping_without_signature_is_detected() -> None:
    headers = {"User-Agent": "WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)"}

    assert is_ping(headers, b"webhook_id=17")


def test_signed_delivery_is_not_a_ping() -> None:
    body = b"webhook_id=17"

    assert not is_ping(woocommerce_headers(body, "order.updated", SOURCE, SECRET), body)


def test_json_body_without_signature_is_not_a_ping() -> None:
    assert not is_ping({}, b'{"webhook_id": 17}')


# --- signatures


def test_php_escaped_body_verifies_on_its_raw_bytes() -> None:
    body = php_json(load_payload("woocommerce", "order_updated_processing"))

    WooCommerceWebhookAdapter().verify(
        woocommerce_headers(body, "order.updated", SOURCE, SECRET), body, [SECRET]
    )

    assert b"\\u00df" in body
    assert b"https:\\/\\/kaffee-weiss.de" in body


def test_tampered_body_is_rejected() -> None:
    body = php_json(load_payload("woocommerce", "order_updated_processing"))
    headers = woocommerce_headers(body, "order.updated", SOURCE, SECRET)

    with pytest.raises(InvalidSignature):
        WooCommerceWebhookAdapter().verify(headers, body.replace(b"63.13", b"6.31"), [SECRET])


def test_missing_signature_header_is_rejected() -> None:
    body = b'{"id": 1}'
    headers = woocommerce_headers(body, "order.updated", SOURCE, SECRET)
    del headers["X-WC-Webhook-Signature"]

    with pytest.raises(InvalidSignature):
        WooCommerceWebhookAdapter().verify(headers, body, [SECRET])


def test_signature_made_with_another_secret_is_rejected() -> None:
    body = b'{"id": 1}'

    with pytest.raises(InvalidSignature):
        WooCommerceWebhookAdapter().verify(
            woocommerce_headers(body, "order.updated", SOURCE, "x"), body, [SECRET]
        )


def test_signature_from_previous_secret_is_accepted_during_rotation() -> None:
    body = b'{"id": 1}'

    WooCommerceWebhookAdapter().verify(
        woocommerce_headers(body, "order.updated", SOURCE, "old"), body, [SECRET, "old"]
    )


def test_lower_case_header_names_are_accepted() -> None:
    body = php_json(load_payload("woocommerce", "order_updated_processing"))
    headers = {k.lower(): v for k, v in woocommerce_headers(body, "order.updated", SOURCE, SECRET).items()}
    adapter = WooCommerceWebhookAdapter()

    adapter.verify(headers, body, [SECRET])

    assert adapter.parse(headers, body).shop_domain == SHOP


def test_werkzeug_headers_are_read_case_insensitively() -> None:
    body = b'{"id": 4711}'
    headers = Headers(woocommerce_headers(body, "order.deleted", "HTTPS://Kaffee-Weiss.de/", SECRET))
    adapter = WooCommerceWebhookAdapter()

    adapter.verify(headers, body, [SECRET])

    assert adapter.shop_domain(headers) == SHOP
    assert adapter.parse(headers, body).event == OrderDeleted("4711")


def test_secret_is_entity_decoded_like_wordpress_before_signing() -> None:
    body = b'{"id": 1}'
    signed_by_woocommerce = woocommerce_headers(body, "order.updated", SOURCE, "a&b'c")

    WooCommerceWebhookAdapter().verify(signed_by_woocommerce, body, ["a&amp;b&#039;c"])


def test_only_the_wordpress_entities_are_decoded() -> None:
    assert wp_specialchars_decode("&lt;&gt;&quot;&#39;&#x26;&amp;amp;") == "<>\"'&&amp;"
    assert wp_specialchars_decode("a&copy;b&nbsp;") == "a&copy;b&nbsp;"


# --- envelope


def test_delivery_carries_delivery_id_topic_and_normalised_source() -> None:
    body = b'{"id": 4711}'
    headers = woocommerce_headers(
        body, "order.deleted", SOURCE, SECRET, delivery_id="d41d8cd98f00b204e9800998ecf8427e"
    )

    delivery = WooCommerceWebhookAdapter().parse(headers, body)

    assert (delivery.platform, delivery.shop_domain, delivery.topic) == ("woocommerce", SHOP, "order.deleted")
    assert delivery.delivery_id == "d41d8cd98f00b204e9800998ecf8427e:" + hashlib.sha256(body).hexdigest()[:16]
    assert delivery.headers["x-wc-webhook-id"] == "17"
    assert "user-agent" not in delivery.headers


@pytest.mark.parametrize("header", ["X-WC-Webhook-Delivery-ID", "X-WC-Webhook-Topic", "X-WC-Webhook-Source"])
def test_missing_required_header_is_malformed(header: str) -> None:
    body = b'{"id": 1}'
    headers = woocommerce_headers(body, "order.updated", SOURCE, SECRET)
    del headers[header]

    with pytest.raises(MalformedPayload):
        WooCommerceWebhookAdapter().parse(headers, body)


@pytest.mark.parametrize("body", [b"webhook_id=17", b"[]", b"null", b"{"])
def test_body_that_is_not_a_json_object_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedPayload):
        WooCommerceWebhookAdapter().parse(woocommerce_headers(body, "order.updated", SOURCE, SECRET), body)


# --- orders


def test_processing_order_is_paid_with_net_amounts() -> None:
    order = order_event("order_updated_processing")

    assert (order.order_ref, order.name, order.currency) == ("4711", "#4711", "EUR")
    assert order.is_paid
    assert not order.is_cancelled
    assert not order.taxes_included
    assert (order.merchandise, order.shipping, order.tax, order.total) == (
        Decimal("48.93"),  # line totals 37.66 + 11.27, after the coupon and without VAT
        Decimal("4.12"),
        Decimal("10.08"),
        Decimal("63.13"),
    )
    assert order.discount_codes == ("treue10",)


def test_processing_order_dates_are_utc_aware() -> None:
    order = order_event("order_updated_processing")

    assert order.created_at == datetime(2025, 3, 14, 9, 22, 31, tzinfo=UTC)
    assert order.updated_at == datetime(2025, 3, 14, 9, 23, 5, tzinfo=UTC)
    assert order.paid_at == datetime(2025, 3, 14, 9, 23, 5, tzinfo=UTC)
    assert order.fulfilled_at is None


def test_processing_order_line_items_and_customer() -> None:
    order = order_event("order_updated_processing")

    assert [(line.ref, line.product_ref, line.quantity, line.amount) for line in order.line_items] == [
        ("301", "88", 2, Decimal("37.66")),
        ("302", "91", 1, Decimal("11.27")),
    ]
    assert order.line_items[1].title == "Keramiktasse Weiß"
    assert order.customer == CustomerSnapshot(
        customer_ref="12", email="juergen.weiss@example.de", first_name="Jürgen", last_name="Weiß"
    )
    assert order.shipping_address_key is not None


def test_pending_order_is_not_paid() -> None:
    order = order_event("order_created_pending", "order.created")

    assert not order.is_paid
    assert order.paid_at is None


def test_partial_refund_becomes_an_amount_only_refund_to_be_itemised_later() -> None:
    order = order_event("order_updated_partial_refund")

    assert order.is_paid
    assert order.refunds == (
        RefundSnapshot(
            order_ref="4711",
            refund_ref="4723",
            lines_amount=Decimal("0"),
            lines_tax=Decimal("0"),
            shipping=Decimal("0"),
            total=Decimal("10.00"),
            itemised=False,
        ),
    )


def test_cancelled_order_is_cancelled() -> None:
    order = order_event("order_updated_cancelled")

    assert order.is_cancelled
    assert not order.is_paid


def test_completed_order_is_fulfilled_at_its_completion_date() -> None:
    payload = load_payload("woocommerce", "order_updated_processing") | {
        "status": "completed",
        "date_completed_gmt": "2025-03-17T15:00:00",
    }

    assert parse_order(payload).fulfilled_at == datetime(2025, 3, 17, 15, 0, tzinfo=UTC)


def test_checkout_draft_is_ignored() -> None:
    assert deliver("order.created", load_payload("woocommerce", "order_checkout_draft")).event == Ignored(
        "order status checkout-draft"
    )


def test_guest_order_has_no_customer_but_keeps_the_billing_email() -> None:
    order = order_event("order_guest_processing")

    assert order.customer is None
    assert order.email == "zoe.mueller@example.de"
    assert order.merchandise == Decimal("20.92")


def test_guest_and_member_at_the_same_address_share_the_address_key() -> None:
    member = parse_order(load_payload("woocommerce", "order_updated_processing"))
    guest = load_payload("woocommerce", "order_guest_processing")
    guest["shipping"] = {"address_1": " LINDENSTRAßE 12 ", "postcode": "10969", "country": "de"}

    assert parse_order(guest).shipping_address_key == member.shipping_address_key


def test_deleted_order_becomes_order_deleted() -> None:
    assert deliver("order.deleted", load_payload("woocommerce", "order_deleted")).event == OrderDeleted(
        "4711"
    )


def test_customer_created_becomes_customer_snapshot() -> None:
    customer = deliver("customer.created", load_payload("woocommerce", "customer_created")).event

    assert customer == CustomerSnapshot(
        customer_ref="12",
        email="juergen.weiss@example.de",
        first_name="Jürgen",
        last_name="Weiß",
        updated_at=datetime(2025, 3, 14, 9, 20, 2, tzinfo=UTC),
    )


def test_unhandled_topic_is_ignored() -> None:
    assert deliver("coupon.updated", {"id": 5}).event == Ignored("unhandled topic coupon.updated")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", None),
        ("status", None),
        ("date_created_gmt", None),
        ("date_created_gmt", 20250314),
        ("total", "zwölf"),
        ("total", "-1.00"),
        ("shipping_total", [1]),
        ("refunds", [{"id": 1, "total": "abc"}]),
        ("billing", "Jürgen"),
        ("line_items", [{"id": 1, "quantity": 1.5, "total": "1.00"}]),
    ],
)
def test_bad_order_field_is_malformed(field: str, value: object) -> None:
    payload = load_payload("woocommerce", "order_updated_processing") | {field: value}

    with pytest.raises(MalformedPayload):
        parse_order(payload)


def test_order_ready_for_local_pickup_is_paid() -> None:
    payload = load_payload("woocommerce", "order_updated_processing") | {"status": "ready-for-pickup"}

    assert parse_order(payload).is_paid


def test_paid_order_in_an_extensions_status_stays_paid() -> None:
    payload = load_payload("woocommerce", "order_updated_processing") | {"status": "shipped"}

    assert parse_order(payload).is_paid


def test_unpaid_order_in_an_extensions_status_is_not_paid() -> None:
    payload = load_payload("woocommerce", "order_created_pending") | {"status": "awaiting-shipment"}

    assert not parse_order(payload).is_paid


def test_paid_order_put_on_hold_is_not_paid_as_in_woocommerce_core() -> None:
    payload = load_payload("woocommerce", "order_updated_processing") | {"status": "on-hold"}

    assert not parse_order(payload).is_paid


def test_a_restored_order_says_it_comes_back_from_the_trash_and_an_updated_one_does_not() -> None:
    restored = deliver("order.restored", load_payload("woocommerce", "order_updated_processing")).event
    updated = deliver("order.updated", load_payload("woocommerce", "order_updated_processing")).event

    assert isinstance(restored, OrderSnapshot)
    assert isinstance(updated, OrderSnapshot)
    assert (restored.restores, updated.restores) == (True, False)
