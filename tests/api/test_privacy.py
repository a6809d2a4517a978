"""Privacy: data requests become downloadable exports, redaction leaves no personal data, shop/redact deletes all."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, LargeBinary, String, Text, func, select

from app.clock import FixedClock
from app.container import Container
from app.db import Base
from app.models import LedgerEntry, Member, Order, PrivacyExport, Shop
from app.services.privacy import purge_uninstalled_shops
from tests.conftest import START, TEST_SHOPIFY_SECRET
from tests.support import snapshots as s
from tests.support.admin import admin_headers, login_with_link
from tests.support.deliveries import deliver, member_by_email
from tests.support.webhooks import load_payload, shopify_headers

EMAIL = "juergen.weiss@example.de"
PERSONAL = [EMAIL, "Jürgen", "Weiß", "Lindenstraße"]


def post(client: FlaskClient, shop: Shop, topic: str, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    response = client.post(
        "/webhooks/shopify", data=body, headers=shopify_headers(body, topic, shop.domain, TEST_SHOPIFY_SECRET)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["outcome"] == "processed", response.json


def customer_with_history(client: FlaskClient, container: Container, shop: Shop) -> Member:
    post(client, shop, "orders/paid", load_payload("shopify", "orders_paid"))
    member = member_by_email(container, shop, EMAIL)
    adjust = client.post(
        f"/admin/api/members/{member.id}/adjust",
        headers=admin_headers(shop),
        json={"points": 10, "reason": "Geburtstagsgruß für Jürgen Weiß"},
    )
    assert adjust.status_code == 201
    return member


def personal_data_left(container: Container, needles: list[str]) -> list[str]:
    """Every text, JSON and raw-body value in every table that still contains one of the needles."""
    found = []
    with container.uow() as uow:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, String | Text | JSON | LargeBinary)]
            for row in uow.session.execute(select(*columns)).all() if columns else []:
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    elif not isinstance(value, str):
                        value = json.dumps(value, ensure_ascii=False)
                    found += [f"{table.name}.{column.name}: {n}" for n in needles if n.lower() in value.lower()]
    return found


def test_a_data_request_stores_an_export_the_merchant_downloads(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    member = customer_with_history(client, container, shopify_shop)
    post(client, shopify_shop, "customers/data_request", load_payload("shopify", "customers_data_request"))
    headers = admin_headers(shopify_shop)
    exports = client.get("/admin/api/privacy/exports", headers=headers).json
    assert [(e["member_id"], e["found"], e["source"], e["request_ref"]) for e in exports] == [
        (member.id, True, "webhook", "9912345")
    ]
    download = client.get(f"/admin/api/privacy/exports/{exports[0]['id']}", headers=headers)
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = download.json
    assert data["profile"]["email"] == EMAIL
    assert {e["delta"] for e in data["ledger_entries"]} >= {10}
    assert [o["order_ref"] for o in data["orders"]] == ["5843219873902"]


def test_a_data_request_for_an_unknown_customer_says_no_data_is_held(client: FlaskClient, shopify_shop: Shop) -> None:
    post(client, shopify_shop, "customers/data_request", load_payload("shopify", "customers_data_request"))
    exports = client.get("/admin/api/privacy/exports", headers=admin_headers(shopify_shop)).json
    assert [(e["found"], e["member_id"]) for e in exports] == [(False, None)]


def test_customer_redact_leaves_no_personal_data_but_keeps_the_ledger_amounts(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    member = customer_with_history(client, container, shopify_shop)
    post(client, shopify_shop, "customers/data_request", load_payload("shopify", "customers_data_request"))
    with container.uow() as uow:
        deltas_before = uow.session.scalars(select(LedgerEntry.delta).order_by(LedgerEntry.id)).all()
    assert personal_data_left(container, PERSONAL)
    post(client, shopify_shop, "customers/redact", load_payload("shopify", "customers_redact"))
    assert personal_data_left(container, PERSONAL) == []
    with container.uow() as uow:
        redacted = uow.session.get(Member, member.id)
        order = uow.session.scalars(select(Order)).one()
        deltas_after = uow.session.scalars(select(LedgerEntry.delta).order_by(LedgerEntry.id)).all()
        exports = uow.session.scalar(select(func.count(PrivacyExport.id)))
    assert redacted is not None
    assert redacted.redacted_at is not None
    assert redacted.balance == sum(deltas_before)
    assert (redacted.email, redacted.first_name, redacted.last_name, redacted.birthday) == (None, None, None, None)
    assert (order.email, order.shipping_address_key) == (None, None)
    assert deltas_after == deltas_before
    assert exports == 0


def test_a_woocommerce_merchant_exports_and_anonymises_from_the_admin_page(
    app: Flask, client: FlaskClient, container: Container, woo_shop: Shop, shopify_shop: Shop
) -> None:
    shopify_member = customer_with_history(client, container, shopify_shop)
    deliver(
        container,
        woo_shop,
        s.order(
            "77", at=START, buyer=s.customer(ref="55", email="tee@example.de", first_name="Tamara", last_name="Teeling")
        ),
    )
    woo_member = member_by_email(container, woo_shop, "tee@example.de")
    headers = login_with_link(app, client, woo_shop)
    created = client.post("/admin/api/privacy/exports", json={"member_id": woo_member.id}, headers=headers)
    assert created.status_code == 201
    assert client.get(f"/admin/api/privacy/exports/{created.json['id']}").json["profile"]["last_name"] == "Teeling"
    foreign = client.post("/admin/api/privacy/redact", json={"member_id": shopify_member.id}, headers=headers)
    assert foreign.status_code == 404
    assert (
        client.post("/admin/api/privacy/redact", json={"member_id": woo_member.id}, headers=headers).status_code == 204
    )
    assert personal_data_left(container, ["tee@example.de", "Tamara", "Teeling"]) == []
    assert personal_data_left(container, [EMAIL])  # the other shop's customer is untouched


def test_the_merchant_names_the_member_by_email_or_member_number_within_the_shop(
    app: Flask, client: FlaskClient, container: Container, shopify_shop: Shop, woo_shop: Shop
) -> None:
    member = customer_with_history(client, container, shopify_shop)
    headers = admin_headers(shopify_shop)
    by_email = client.post("/admin/api/privacy/exports", json={"member": EMAIL.upper()}, headers=headers)
    by_number = client.post("/admin/api/privacy/exports", json={"member": f" {member.id} "}, headers=headers)
    exports = client.get("/admin/api/privacy/exports", headers=headers).json
    assert (by_email.status_code, by_number.status_code) == (201, 201)
    assert {x["member_id"] for x in exports} == {member.id}
    other_admin = app.test_client()
    foreign = other_admin.post("/admin/api/privacy/redact", json={"member": EMAIL},
                               headers=login_with_link(app, other_admin, woo_shop))
    assert foreign.status_code == 404


def test_a_privacy_request_naming_neither_a_number_nor_an_email_is_refused_with_a_field_error(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    response = client.post("/admin/api/privacy/redact", json={"member": "Jürgen"}, headers=admin_headers(shopify_shop))
    assert response.status_code == 422
    assert "member" in response.json["errors"]


def test_a_member_number_beyond_every_id_is_an_unknown_member_not_a_server_error(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop)

    typed = client.post("/admin/api/privacy/exports", json={"member": "99999999999999999999"}, headers=headers)
    sent = client.post("/admin/api/privacy/exports", json={"member_id": 99999999999999999999}, headers=headers)

    assert (typed.status_code, typed.json["reason"]) == (404, "member_not_found")
    assert (sent.status_code, list(sent.json["errors"])) == (422, ["member_id"])


def test_shop_redact_deletes_every_row_of_an_uninstalled_shop(
    client: FlaskClient, container: Container, shopify_shop: Shop, woo_shop: Shop
) -> None:
    customer_with_history(client, container, shopify_shop)
    post(client, shopify_shop, "app/uninstalled", load_payload("shopify", "app_uninstalled"))
    post(client, shopify_shop, "shop/redact", load_payload("shopify", "shop_redact"))
    assert _rows_of_shop(container, shopify_shop.id) == {}
    with container.uow() as uow:
        assert uow.session.get(Shop, shopify_shop.id) is None
        assert uow.session.get(Shop, woo_shop.id) is not None


def test_shop_redact_is_ignored_for_a_shop_that_is_installed_again(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    customer_with_history(client, container, shopify_shop)
    post(client, shopify_shop, "shop/redact", load_payload("shopify", "shop_redact"))
    assert member_by_email(container, shopify_shop, EMAIL).balance > 0


def test_the_purge_job_deletes_shops_uninstalled_past_their_purge_date(
    client: FlaskClient, container: Container, clock: FixedClock, shopify_shop: Shop, woo_shop: Shop
) -> None:
    customer_with_history(client, container, shopify_shop)
    post(client, shopify_shop, "app/uninstalled", load_payload("shopify", "app_uninstalled"))
    assert purge_uninstalled_shops(container.uow, clock.now()) == 0
    clock.advance(days=31)
    assert purge_uninstalled_shops(container.uow, container.clock.now()) == 1
    assert _rows_of_shop(container, shopify_shop.id) == {}
    with container.uow() as uow:
        assert uow.session.get(Shop, woo_shop.id) is not None


def test_deleting_the_shop_from_the_admin_page_needs_the_domain_as_confirmation(
    app: Flask, client: FlaskClient, container: Container, woo_shop: Shop
) -> None:
    headers = login_with_link(app, client, woo_shop)
    wrong = client.delete("/admin/api/privacy/shop", json={"confirm": "yes"}, headers=headers)
    assert wrong.status_code == 422
    assert "confirm" in wrong.json["errors"]
    assert (
        client.delete("/admin/api/privacy/shop", json={"confirm": woo_shop.domain}, headers=headers).status_code == 204
    )
    with container.uow() as uow:
        assert uow.session.get(Shop, woo_shop.id) is None
    assert client.get("/admin/api/me").status_code == 401


def _rows_of_shop(container: Container, shop_id: int) -> dict[str, int]:
    counts = {}
    with container.uow() as uow:
        for table in Base.metadata.sorted_tables:
            if "shop_id" in table.c:
                n = uow.session.scalar(select(func.count()).select_from(table).where(table.c.shop_id == shop_id))
                if n:
                    counts[table.name] = n
    return counts


def test_an_export_includes_the_referrals_a_member_made_and_the_one_that_invited_them(
    client: FlaskClient, container: Container, clock: FixedClock, shopify_shop: Shop
) -> None:
    from app.services.privacy_data import export_member
    from tests.support.referrals import FRIEND, REFERRER, refer_a_friend_who_orders

    refer_a_friend_who_orders(container, shopify_shop, clock, settle=False)
    referrer = member_by_email(container, shopify_shop, REFERRER.email or "")
    friend = member_by_email(container, shopify_shop, FRIEND.email or "")

    with container.uow() as uow:
        made = export_member(uow.session, shopify_shop.id, referrer)
        invited = export_member(uow.session, shopify_shop.id, friend)

    assert [(r["referrer_id"], r["friend_email"]) for r in made["referrals"]] == [(referrer.id, FRIEND.email)]
    assert [r["friend_email"] for r in invited["referrals"]] == [FRIEND.email]
