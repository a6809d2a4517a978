"""POST /webhooks/shopify end to end: signed deliveries in Shopify's documented format, through Flask's client."""

from __future__ import annotations

import json
import logging

from sqlalchemy import func, select

from app.log_format import FORMAT, ContextFormatter
from app.models import LedgerEntry, Member, Order, WebhookDelivery
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.deliveries import ledger_ok, member_by_email
from tests.support.webhooks import load_payload, shopify_headers

SHOP = "kaffee-mueller.myshopify.com"
JUERGEN = "juergen.weiss@example.de"


def post(
    client,
    topic: str,
    payload: dict | bytes,
    *,
    webhook_id: str | None = None,
    secret: str = TEST_SHOPIFY_SECRET,
    shop: str = SHOP,
    headers: dict | None = None,
):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    sent = shopify_headers(body, topic, shop, secret, webhook_id=webhook_id)
    sent.update(headers or {})
    return client.post("/webhooks/shopify", data=body, headers=sent)


def count(container, model) -> int:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_paid_order_credits_the_customer_once_for_each_delivery_id(client, container, shopify_shop):
    response = post(client, "orders/paid", load_payload("shopify", "orders_paid"), webhook_id="wh-1")
    again = post(client, "orders/paid", load_payload("shopify", "orders_paid"), webhook_id="wh-1")

    assert (response.status_code, response.json["outcome"]) == (200, "processed")
    assert again.json["outcome"] == "duplicate"
    # merchandise 58.23 gross − 9.30 VAT on the lines = 48.93 € net → 48 points
    assert member_by_email(container, shopify_shop, JUERGEN).balance == 48
    ledger_ok(container)


def test_orders_updated_after_orders_paid_with_the_same_state_posts_nothing_more(
    client, container, shopify_shop
):
    post(client, "orders/create", load_payload("shopify", "orders_create"))
    post(client, "orders/paid", load_payload("shopify", "orders_paid"))
    post(client, "orders/updated", load_payload("shopify", "orders_paid"))

    assert count(container, LedgerEntry) == 1


def test_refund_in_refunds_create_and_in_orders_updated_reverses_once(client, container, shopify_shop):
    post(client, "orders/paid", load_payload("shopify", "orders_paid"))
    post(client, "refunds/create", load_payload("shopify", "refunds_create"))
    after_refund = member_by_email(container, shopify_shop, JUERGEN).balance
    post(client, "orders/updated", load_payload("shopify", "orders_updated_partial_refund"))

    assert 0 < after_refund < 48
    assert member_by_email(container, shopify_shop, JUERGEN).balance == after_refund
    ledger_ok(container)


def test_refund_that_arrives_before_the_order_is_applied_when_the_order_arrives(
    client, container, shopify_shop
):
    post(client, "refunds/create", load_payload("shopify", "refunds_create"))
    post(client, "orders/paid", load_payload("shopify", "orders_paid"))
    in_order = member_by_email(container, shopify_shop, JUERGEN).balance

    assert 0 < in_order < 48


def test_shipping_only_refund_keeps_the_points(client, container, shopify_shop):
    post(client, "orders/paid", load_payload("shopify", "orders_paid"))
    post(client, "refunds/create", load_payload("shopify", "refunds_create_shipping_only"))

    assert member_by_email(container, shopify_shop, JUERGEN).balance == 48


def _with_gift_card(order: dict, amount: str) -> dict:
    """The order with a gift card bought beside the coffee (Shopify taxes no gift card)."""
    gift_card = {"id": 14221300000099, "product_id": 8123400000099, "variant_id": 45110000000099, "quantity": 1,
                 "current_quantity": 1, "title": "Geschenkgutschein", "name": "Geschenkgutschein", "sku": None,
                 "price": amount, "price_set": {"shop_money": {"amount": amount, "currency_code": "EUR"},
                                                "presentment_money": {"amount": amount, "currency_code": "EUR"}},
                 "gift_card": True, "taxable": False, "total_discount": "0.00", "discount_allocations": [],
                 "tax_lines": []}
    for field in ("subtotal_price", "total_price", "total_line_items_price", "current_total_price"):
        order[field] = f"{float(order[field]) + float(amount):.2f}"
        if f"{field}_set" in order:
            for side in ("shop_money", "presentment_money"):
                order[f"{field}_set"][side]["amount"] = order[field]
    order["line_items"].append(gift_card)
    return order


def _gift_card_refund(amount: str) -> dict:
    refund = load_payload("shopify", "refunds_create")
    line = refund["refund_line_items"][0]
    line |= {"line_item_id": 14221300000099, "subtotal": float(amount), "total_tax": 0.0,
             "line_item": {"id": 14221300000099, "title": "Geschenkgutschein", "price": amount, "gift_card": True}}
    line["subtotal_set"]["shop_money"]["amount"] = line["subtotal_set"]["presentment_money"]["amount"] = amount
    line["total_tax_set"]["shop_money"]["amount"] = line["total_tax_set"]["presentment_money"]["amount"] = "0.00"
    refund["transactions"][0]["amount"] = amount
    return refund


def test_a_gift_card_bought_in_an_order_earns_no_points(client, container, shopify_shop):
    post(client, "orders/paid", _with_gift_card(load_payload("shopify", "orders_paid"), "50.00"))

    # the coffee's 48 points only: the gift card's money earns when it pays for an order
    assert member_by_email(container, shopify_shop, JUERGEN).balance == 48
    ledger_ok(container)


def test_a_refunded_gift_card_takes_back_none_of_the_coffees_points(client, container, shopify_shop):
    post(client, "orders/paid", _with_gift_card(load_payload("shopify", "orders_paid"), "50.00"))
    post(client, "refunds/create", _gift_card_refund("50.00"))

    assert member_by_email(container, shopify_shop, JUERGEN).balance == 48
    ledger_ok(container)


def test_guest_order_waits_for_the_customer_record_and_is_credited_then(client, container, shopify_shop):
    guest = load_payload("shopify", "orders_paid_guest")
    post(client, "orders/paid", guest)
    assert count(container, Member) == 0

    customer = load_payload("shopify", "customers_create") | {"email": guest["email"], "id": 990001}
    post(client, "customers/create", customer)

    assert member_by_email(container, shopify_shop, guest["email"]).balance > 0


def test_lower_case_header_names_from_http2_are_accepted(client, container, shopify_shop):
    body = json.dumps(load_payload("shopify", "orders_paid")).encode()
    headers = {
        k.lower(): v for k, v in shopify_headers(body, "orders/paid", SHOP, TEST_SHOPIFY_SECRET).items()
    }

    assert client.post("/webhooks/shopify", data=body, headers=headers).json["outcome"] == "processed"


def test_wrong_signature_is_401_and_leaves_no_row(client, container, shopify_shop):
    response = post(client, "orders/paid", load_payload("shopify", "orders_paid"), secret="not-the-secret")

    assert response.status_code == 401
    assert response.json["reason"] == "invalid_signature"
    assert (count(container, WebhookDelivery), count(container, Order)) == (0, 0)


def test_missing_signature_is_401(client, shopify_shop):
    response = post(
        client, "orders/paid", load_payload("shopify", "orders_paid"), headers={"X-Shopify-Hmac-Sha256": ""}
    )

    assert response.status_code == 401


def test_malformed_json_is_400_with_the_error_shape_and_leaves_no_row(client, container, shopify_shop):
    response = post(client, "orders/paid", b'{"id": 1, "line_items": [')

    assert response.status_code == 400
    assert set(response.json) >= {"code", "status", "message", "reason"}
    assert count(container, WebhookDelivery) == 0


def test_order_without_required_fields_is_400(client, container, shopify_shop):
    response = post(client, "orders/paid", {"id": 123, "line_items": "not a list"})

    assert response.status_code == 400
    assert response.json["reason"] == "malformed_payload"
    assert count(container, Order) == 0


def test_body_over_one_mebibyte_is_413_and_leaves_no_row(client, container, shopify_shop):
    huge = b'{"id": 1, "note": "' + b"x" * (1024 * 1024) + b'"}'
    response = post(client, "orders/paid", huge)

    assert response.status_code == 413
    assert response.json["code"] == 413
    assert count(container, WebhookDelivery) == 0


def test_chunked_body_over_one_mebibyte_is_413_not_a_signature_failure(app, container, shopify_shop):
    # Through werkzeug's own server (`loyalty run`): its chunked input has no length, and reading it stopped
    # at the limit without a word, so the signature check saw a truncated body (401).
    import http.client
    import threading

    from werkzeug.serving import make_server

    huge = b'{"id": 1, "note": "' + b"x" * (1024 * 1024) + b'"}'
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        chunks = (huge[i : i + 65536] for i in range(0, len(huge), 65536))
        connection.request(
            "POST", "/webhooks/shopify", body=chunks, encode_chunked=True,
            headers=shopify_headers(huge, "orders/paid", SHOP, TEST_SHOPIFY_SECRET),
        )
        response = connection.getresponse()
        answer = json.loads(response.read())
    finally:
        server.shutdown()
        server.server_close()

    assert (response.status, answer["code"]) == (413, 413)
    assert count(container, WebhookDelivery) == 0


def test_unknown_shop_is_answered_200_leaves_no_row_and_logs_a_warning_naming_the_shop(
    client, container, shopify_shop, caplog
):
    response = post(
        client, "orders/paid", load_payload("shopify", "orders_paid"), shop="someone-else.myshopify.com"
    )

    assert (response.status_code, response.json["outcome"]) == (200, "unknown_shop")
    assert count(container, WebhookDelivery) == 0
    level, line = log_line(caplog, "webhook for unknown shop")
    assert level == logging.WARNING
    assert "shop=someone-else.myshopify.com" in line


def test_unhandled_topic_is_stored_as_ignored_and_logged_with_its_topic(client, container, shopify_shop, caplog):
    caplog.set_level(logging.INFO)

    response = post(client, "products/update", {"id": 1, "title": "Espresso"})

    assert response.json["outcome"] == "ignored"
    assert count(container, LedgerEntry) == 0
    assert "topic=products/update" in log_line(caplog, "webhook topic not handled")[1]


def test_a_duplicate_delivery_is_logged_with_its_delivery_id(client, shopify_shop, caplog):
    caplog.set_level(logging.INFO)
    payload = load_payload("shopify", "orders_paid")

    post(client, "orders/paid", payload, webhook_id="delivery-77")
    response = post(client, "orders/paid", payload, webhook_id="delivery-77")

    assert response.json["outcome"] == "duplicate"
    assert "delivery_id=delivery-77" in log_line(caplog, "duplicate webhook delivery")[1]


def log_line(caplog, message: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """The level of the record with this message and the line the CLI's processes write for it."""
    record = next(r for r in caplog.records if r.getMessage() == message)
    return record.levelno, ContextFormatter(FORMAT).format(record)


def test_delivery_whose_processing_fails_is_kept_and_retried_later(
    client, container, shopify_shop, monkeypatch
):
    from app.services import intake

    original = intake.handlers

    def exploding() -> dict:  # type: ignore[type-arg]
        table = original()
        table[next(t for t in table if t.__name__ == "OrderSnapshot")] = _explode
        return table

    monkeypatch.setattr(intake, "handlers", exploding)
    response = post(client, "orders/paid", load_payload("shopify", "orders_paid"), webhook_id="wh-9")
    assert (response.status_code, response.json["outcome"]) == (200, "failed")
    monkeypatch.setattr(intake, "handlers", original)

    retried = post(client, "orders/paid", load_payload("shopify", "orders_paid"), webhook_id="wh-9")

    assert retried.json["outcome"] == "processed"
    assert member_by_email(container, shopify_shop, JUERGEN).balance == 48


def _explode(*_args: object) -> None:
    raise RuntimeError("simulated processing bug")
