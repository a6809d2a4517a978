"""POST /webhooks/woocommerce end to end: PHP-encoded, signed deliveries as WooCommerce sends them."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Order, WebhookDelivery
from tests.support.deliveries import ledger_ok, member_by_email
from tests.support.webhooks import load_payload, php_json, woocommerce_headers

SOURCE = "https://teeladen.example.de/"
SIGNING_SECRET = (
    "test-woo-secret&1"  # the stored secret "test-woo-secret&amp;1", entity-decoded as WordPress does
)
JUERGEN = "juergen.weiss@example.de"


def post(
    client,
    topic: str,
    payload: dict | bytes,
    *,
    delivery_id: str | None = None,
    secret: str = SIGNING_SECRET,
    source: str = SOURCE,
):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, bytes) else php_json(payload)
    headers = woocommerce_headers(body, topic, source, secret, delivery_id=delivery_id)
    return client.post("/webhooks/woocommerce", data=body, headers=headers)


def rows(container, model) -> int:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_creation_ping_without_signature_answers_200(client, container, woo_shop):
    response = client.post(
        "/webhooks/woocommerce",
        data=b"webhook_id=17",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert (response.status_code, response.json["outcome"]) == (200, "ping")
    assert rows(container, WebhookDelivery) == 0


def test_processing_order_earns_points_on_the_line_totals(client, container, woo_shop):
    post(client, "customer.created", load_payload("woocommerce", "customer_created"))
    response = post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))

    assert response.json["outcome"] == "processed"
    assert member_by_email(container, woo_shop, JUERGEN).balance == 48  # 37.66 + 11.27 = 48.93 €
    ledger_ok(container)


def test_an_order_paid_in_another_currency_than_the_shops_earns_nothing_and_says_so(
    client, container, woo_shop, caplog
):
    post(client, "customer.created", load_payload("woocommerce", "customer_created"))
    in_koruna = load_payload("woocommerce", "order_updated_processing") | {"currency": "CZK"}  # a multi-currency plugin

    response = post(client, "order.updated", in_koruna)

    assert response.json["outcome"] == "processed"
    assert member_by_email(container, woo_shop, JUERGEN).balance == 0  # not 48 points for 48.93 koruna (~2 €)
    assert "order in another currency earns no points" in caplog.text
    ledger_ok(container)


def test_pending_order_earns_nothing_until_processing(client, container, woo_shop):
    post(client, "order.created", load_payload("woocommerce", "order_created_pending"))
    assert member_by_email(container, woo_shop, JUERGEN).balance == 0

    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    assert member_by_email(container, woo_shop, JUERGEN).balance == 48


def test_negative_refund_total_keeps_the_points_of_what_was_kept(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    post(client, "order.updated", load_payload("woocommerce", "order_updated_partial_refund"))

    # 10.00 of 63.13 refunded, spread over the order's parts: 48.93 € × (1 − 10/63.13) = 41.18 € kept → 41
    assert member_by_email(container, woo_shop, JUERGEN).balance == 41
    ledger_ok(container)


def test_a_refund_deleted_in_the_shop_gives_its_points_back(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    post(client, "order.updated", load_payload("woocommerce", "order_updated_partial_refund"))
    # WooCommerce fires order.updated when a refund is deleted (woocommerce_delete_order_refund, PLATFORMS §4.4)
    deleted = load_payload("woocommerce", "order_updated_partial_refund") | {
        "refunds": [], "date_modified_gmt": "2025-03-20T14:00:00",
    }
    post(client, "order.updated", deleted)

    assert member_by_email(container, woo_shop, JUERGEN).balance == 48
    ledger_ok(container)


def test_an_older_snapshot_without_the_refund_does_not_undo_it(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_partial_refund"))
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))

    assert member_by_email(container, woo_shop, JUERGEN).balance == 41


def test_cancelled_order_reverses_everything(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    post(client, "order.updated", load_payload("woocommerce", "order_updated_cancelled"))

    assert member_by_email(container, woo_shop, JUERGEN).balance == 0


def test_deleted_order_earns_nothing(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    post(client, "order.deleted", load_payload("woocommerce", "order_deleted"))

    assert member_by_email(container, woo_shop, JUERGEN).balance == 0


def test_paid_order_moved_to_ready_for_pickup_or_an_extensions_status_keeps_its_points(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    for at, status in (("2025-03-15T09:00:00", "ready-for-pickup"), ("2025-03-16T09:00:00", "shipped")):
        moved = load_payload("woocommerce", "order_updated_processing") | {"status": status, "date_modified_gmt": at}
        post(client, "order.updated", moved)

        assert member_by_email(container, woo_shop, JUERGEN).balance == 48
    ledger_ok(container)


def test_an_order_restored_from_the_trash_earns_again_though_its_deletion_arrived_later(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"))
    # Trashed and at once restored ("Undo"): both queued, the deletion delivered first, after the restore's moment.
    post(client, "order.deleted", load_payload("woocommerce", "order_deleted"))
    restored = load_payload("woocommerce", "order_updated_processing") | {"date_modified_gmt": "2025-03-15T09:00:05"}
    post(client, "order.restored", restored)

    assert member_by_email(container, woo_shop, JUERGEN).balance == 48
    ledger_ok(container)


def test_checkout_draft_is_ignored(client, container, woo_shop):
    response = post(client, "order.created", load_payload("woocommerce", "order_checkout_draft"))

    assert response.json["outcome"] == "ignored"
    assert rows(container, Order) == 0


def test_guest_order_is_credited_when_the_customer_registers(client, container, woo_shop):
    guest = load_payload("woocommerce", "order_guest_processing")
    post(client, "order.updated", guest)
    customer = load_payload("woocommerce", "customer_created") | {
        "id": 99,
        "email": guest["billing"]["email"],
    }
    post(client, "customer.created", customer)

    assert member_by_email(container, woo_shop, guest["billing"]["email"]).balance == 20  # 20.92 €


def test_two_orders_sent_in_the_same_second_share_a_delivery_id_and_both_earn_points(client, container, woo_shop):
    # WooCommerce's Delivery-ID is wp_hash(webhook_id . time()): one webhook's deliveries within a second share it.
    first = load_payload("woocommerce", "order_updated_processing")
    second = {**first, "id": first["id"] + 1, "number": str(first["id"] + 1), "customer_id": first["customer_id"] + 1,
              "billing": {**first["billing"], "email": "zweite.kundin@example.de"}}

    answers = [post(client, "order.updated", payload, delivery_id="3f2a9c") for payload in (first, second)]

    assert [a.json["outcome"] for a in answers] == ["processed", "processed"]
    assert member_by_email(container, woo_shop, "zweite.kundin@example.de").balance > 0


def test_same_delivery_id_twice_is_a_duplicate(client, container, woo_shop):
    post(client, "order.updated", load_payload("woocommerce", "order_updated_processing"), delivery_id="abc")
    again = post(
        client, "order.updated", load_payload("woocommerce", "order_updated_processing"), delivery_id="abc"
    )

    assert again.json["outcome"] == "duplicate"


def test_signature_with_another_shops_secret_is_401(client, container, woo_shop):
    response = post(
        client,
        "order.updated",
        load_payload("woocommerce", "order_updated_processing"),
        secret="another-shops-secret",
    )

    assert response.status_code == 401
    assert rows(container, WebhookDelivery) == 0


def test_unknown_source_is_answered_200_and_leaves_no_row(client, container, woo_shop):
    response = post(
        client,
        "order.updated",
        load_payload("woocommerce", "order_updated_processing"),
        source="https://unbekannt.example.de/",
    )

    assert (response.status_code, response.json["outcome"]) == (200, "unknown_shop")
    assert rows(container, WebhookDelivery) == 0


def test_malformed_body_is_400(client, container, woo_shop):
    response = post(client, "order.updated", b"{not json")

    assert response.status_code == 400
    assert rows(container, WebhookDelivery) == 0
