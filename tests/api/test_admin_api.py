"""Admin core API: authentication, shop scoping, settings validation, member search, adjustments and audit."""

from __future__ import annotations

import re
import time

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.container import Container
from app.models import Shop
from app.services.admin_sessions import issue_login_link
from app.services.shops import NewShop, add_shop
from tests.conftest import START
from tests.support import snapshots as s
from tests.support.admin import admin_headers, login_with_link, session_token
from tests.support.deliveries import deliver, member_by_email

VALID_SETTINGS = {
    "points_per_unit": "2.00",
    "include_shipping": True,
    "include_tax": False,
    "rounding": "nearest",
    "point_value_points": 100,
    "point_value_amount": "1.50",
    "pending_days": 14,
    "expiry_policy": "per_lot",
    "expiry_months": 24,
    "expiry_reminder_days": 30,
    "locale": "en",
}


def _error_shape(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.get_json()
    assert {"code", "status", "message", "reason"} <= set(body), body
    assert body["code"] == response.status_code
    return body  # type: ignore[no-any-return]


def _member(
    container: Container,
    shop: Shop,
    email: str = "juergen.weiss@example.de",
    ref: str = "7001",  # type: ignore[no-untyped-def]
    **names: str,
):
    buyer = s.customer(ref=ref, email=email, **names)
    deliver(container, shop, s.order("5001" + ref, at=START, merchandise="50.00", shipping="0", buyer=buyer))
    return member_by_email(container, shop, email)


def test_me_answers_the_shop_of_the_session_token(client: FlaskClient, shopify_shop: Shop) -> None:
    response = client.get("/admin/api/me", headers=admin_headers(shopify_shop))
    assert response.status_code == 200
    assert response.json["shop"]["domain"] == shopify_shop.domain
    assert response.json["actor"] == "shopify-user:42"


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda d: session_token(d, now=time.time() - 3600), "unauthorized"),
        (lambda d: session_token(d, secret="not-the-app-secret"), "unauthorized"),
        (lambda d: session_token(d, api_key="another-app"), "unauthorized"),
        (
            lambda d: jwt.encode(
                {
                    "iss": f"https://{d}/admin",
                    "dest": f"https://{d}",
                    "aud": "test-api-key",
                    "sub": "1",
                    "exp": time.time() + 60,
                    "nbf": time.time() - 1,
                },
                None,
                algorithm="none",
            ),
            "unauthorized",
        ),
        (lambda d: session_token(d, dest="https://other-shop.myshopify.com"), "unauthorized"),
        (lambda d: "not-a-jwt", "unauthorized"),
    ],
    ids=["expired", "wrong-secret", "wrong-aud", "alg-none", "iss-dest-mismatch", "garbage"],
)
def test_a_bad_session_token_answers_401_in_the_error_shape(
    client: FlaskClient,
    shopify_shop: Shop,
    make_token,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    response = client.get("/admin/api/me", headers={"Authorization": f"Bearer {make_token(shopify_shop.domain)}"})
    assert response.status_code == 401
    assert _error_shape(response)["reason"] == reason


def test_without_any_credentials_the_admin_api_answers_401(client: FlaskClient) -> None:
    response = client.get("/admin/api/settings")
    assert response.status_code == 401
    _error_shape(response)


def test_an_uninstalled_shop_is_refused_with_403(client: FlaskClient, container: Container, shopify_shop: Shop) -> None:
    with container.uow() as uow:
        uow.session.get(Shop, shopify_shop.id).status = "uninstalled"  # type: ignore[union-attr]
        uow.commit()
    response = client.get("/admin/api/me", headers=admin_headers(shopify_shop))
    assert response.status_code == 403
    assert _error_shape(response)["reason"] == "forbidden"


def test_a_login_link_works_once(app: Flask, client: FlaskClient, container: Container, woo_shop: Shop) -> None:
    link = issue_login_link(
        container.uow(), container.settings.secret_key, container.settings.public_url, str(woo_shop.id)
    ).replace(container.settings.public_url, "")
    assert client.get(link).status_code == 303
    assert client.get("/admin/api/me").json["shop"]["id"] == woo_shop.id
    second = app.test_client().get(link)
    assert second.status_code == 401
    assert "already used" in _error_shape(second)["message"]


def test_a_forged_login_link_is_refused(client: FlaskClient, woo_shop: Shop) -> None:
    response = client.get("/admin/login?token=eyJzaG9wX2lkIjoxfQ.forged.signature")
    assert response.status_code == 401
    _error_shape(response)


def test_cookie_writes_need_the_admin_header(app: Flask, client: FlaskClient, woo_shop: Shop) -> None:
    login_with_link(app, client, woo_shop)
    response = client.put("/admin/api/settings", json=VALID_SETTINGS)
    assert response.status_code == 403


def test_settings_are_saved_and_audited(app: Flask, client: FlaskClient, woo_shop: Shop) -> None:
    headers = login_with_link(app, client, woo_shop)
    response = client.put("/admin/api/settings", json=VALID_SETTINGS, headers=headers)
    assert response.status_code == 200, response.json
    assert client.get("/admin/api/settings").json == VALID_SETTINGS
    assert client.get("/admin/api/me").json["shop"]["locale"] == "en"
    audit = client.get("/admin/api/audit").json
    assert audit[0]["action"] == "settings.update"
    assert audit[0]["details"]["pending_days"] == {"from": "0", "to": "14"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("points_per_unit", "-1"),
        ("rounding", "sideways"),
        ("point_value_points", 0),
        ("point_value_amount", "0"),
        ("pending_days", 400),
        ("expiry_policy", "sometimes"),
        ("expiry_months", 0),
        ("locale", "fr"),
        ("include_tax", "maybe"),
        ("expiry_reminder_days", 900),
    ],
)
def test_invalid_settings_answer_422_naming_the_field(
    client: FlaskClient, shopify_shop: Shop, field: str, value: object
) -> None:
    response = client.put(
        "/admin/api/settings", json={**VALID_SETTINGS, field: value}, headers=admin_headers(shopify_shop)
    )
    assert response.status_code == 422
    body = _error_shape(response)
    assert body["reason"] == "validation_error"
    assert set(body["errors"]) == {field}


def test_members_are_found_by_email_or_name(client: FlaskClient, container: Container, shopify_shop: Shop) -> None:
    _member(container, shopify_shop)
    _member(container, shopify_shop, email="anna@example.de", ref="7002", first_name="Anna", last_name="Berg")
    headers = admin_headers(shopify_shop)
    by_email = client.get("/admin/api/members?q=WEISS@example", headers=headers).json["members"]
    by_name = client.get("/admin/api/members?q=jürgen", headers=headers).json["members"]
    assert [m["email"] for m in by_email] == ["juergen.weiss@example.de"]
    assert [m["email"] for m in by_name] == ["juergen.weiss@example.de"]


def test_a_member_page_shows_balances_lots_readable_ledger_and_orders(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    member = _member(container, shopify_shop)
    page = client.get(f"/admin/api/members/{member.id}", headers=admin_headers(shopify_shop)).json
    assert (page["balance"], page["pending"], page["spendable"], page["lifetime_points"]) == (50, 0, 50, 50)
    assert page["lots"][0]["remaining"] == 50
    assert page["ledger"][0]["text"] == "Bestellung #50017001"
    assert page["orders"][0]["name"] == "#50017001"


def test_a_member_page_speaks_the_admin_pages_language_not_only_the_shops(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    member = _member(container, shopify_shop)
    headers = admin_headers(shopify_shop)

    english = client.get(f"/admin/api/members/{member.id}", headers=headers | {"Accept-Language": "en"}).json
    german = client.get(f"/admin/api/members/{member.id}", headers=headers | {"Accept-Language": "de"}).json

    assert shopify_shop.locale == "de"
    assert (english["ledger"][0]["text"], german["ledger"][0]["text"]) == ("Order #50017001", "Bestellung #50017001")


def test_adjusting_points_posts_to_the_ledger_with_the_actor_and_an_audit_row(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    member = _member(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    added = client.post(
        f"/admin/api/members/{member.id}/adjust", json={"points": 25, "reason": "Kulanz"}, headers=headers
    )
    taken = client.post(
        f"/admin/api/members/{member.id}/adjust", json={"points": -75, "reason": "Betrug"}, headers=headers
    )
    assert (added.status_code, taken.status_code) == (201, 201)
    assert taken.json["balance"] == 0
    page = client.get(f"/admin/api/members/{member.id}", headers=headers).json
    newest = page["ledger"][0]
    assert (newest["delta"], newest["actor"], newest["text"]) == (-75, "shopify-user:42", "Manuelle Anpassung: Betrug")
    audit = client.get("/admin/api/audit", headers=headers).json
    assert [(a["action"], a["details"]["points"], a["actor"]) for a in audit[:2]] == [
        ("member.adjust", -75, "shopify-user:42"),
        ("member.adjust", 25, "shopify-user:42"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"points": 0, "reason": "x"}, "points"),
        ({"points": 5}, "reason"),
        ({"points": 5, "reason": "  "}, "reason"),
        ({"reason": "x"}, "points"),
        ({"points": 1.5, "reason": "x"}, "points"),
        ({"points": "5", "reason": "x"}, "points"),
    ],
)
def test_an_adjustment_needs_non_zero_points_and_a_reason(
    client: FlaskClient,
    container: Container,
    shopify_shop: Shop,
    body: dict,
    field: str,  # type: ignore[type-arg]
) -> None:
    member = _member(container, shopify_shop)
    response = client.post(f"/admin/api/members/{member.id}/adjust", json=body, headers=admin_headers(shopify_shop))
    assert response.status_code == 422
    assert field in _error_shape(response)["errors"]


def test_an_adjustment_that_would_take_the_balance_below_zero_is_refused_and_books_nothing(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    member = _member(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    response = client.post(
        f"/admin/api/members/{member.id}/adjust", json={"points": -(member.balance + 1), "reason": "x"}, headers=headers
    )
    assert response.status_code == 409
    assert _error_shape(response)["reason"] == "insufficient_points"
    assert client.get(f"/admin/api/members/{member.id}", headers=headers).json["balance"] == member.balance


def test_another_shops_member_is_not_found(client: FlaskClient, container: Container, shopify_shop: Shop) -> None:
    other = add_shop(
        container.uow(), container.box, NewShop("shopify", "other-shop.myshopify.com"), container.clock.now()
    )
    foreign = _member(container, other, email="fremd@example.de", ref="8001")
    headers = admin_headers(shopify_shop)
    assert client.get(f"/admin/api/members/{foreign.id}", headers=headers).status_code == 404
    adjust = client.post(f"/admin/api/members/{foreign.id}/adjust", json={"points": 5, "reason": "x"}, headers=headers)
    assert adjust.status_code == 404
    assert _error_shape(adjust)["reason"] == "member_not_found"
    assert client.get("/admin/api/members?q=fremd", headers=headers).json["members"] == []
    assert member_by_email(container, other, "fremd@example.de").balance == foreign.balance


def test_every_admin_endpoint_is_in_the_openapi_document(app: Flask, client: FlaskClient) -> None:
    def shape(path: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)

    documented = {shape(path) for path in client.get("/openapi.json").json["paths"]}
    admin_rules = {shape(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/admin")}
    assert admin_rules - documented == set()
