"""Error texts in the reader's language: German when the admin page or the widget asks for it, else English."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.container import Container
from app.models import Shop
from app.services.shops import NewShop, add_shop
from tests.conftest import START
from tests.support import snapshots as s
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
SETTINGS = {
    "points_per_unit": "1", "rounding": "down", "include_shipping": False, "include_tax": False,
    "point_value_points": 100, "point_value_amount": "1.00", "pending_days": 400, "expiry_policy": "never",
    "expiry_months": 12, "expiry_reminder_days": 14, "locale": "de",
}


def test_field_errors_are_german_for_a_german_reader(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop) | GERMAN
    body = client.put("/admin/api/settings", json=SETTINGS, headers=headers).json

    assert body["errors"]["pending_days"] == ["Muss zwischen 0 und 365 liegen."]
    assert body["message"] == "Die Eingaben sind nicht gültig."


def test_field_errors_stay_english_for_a_client_that_asks_for_nothing(client: FlaskClient, shopify_shop: Shop) -> None:
    body = client.put("/admin/api/settings", json=SETTINGS, headers=admin_headers(shopify_shop)).json

    assert body["errors"]["pending_days"] == ["Must be greater than or equal to 0 and less than or equal to 365."]


def test_missing_and_unknown_fields_are_explained_in_german(client: FlaskClient, shopify_shop: Shop) -> None:
    settings = {key: value for key, value in SETTINGS.items() if key != "rounding"} | {"pending_days": 0, "x": 1}
    body = client.put("/admin/api/settings", json=settings, headers=admin_headers(shopify_shop) | GERMAN).json

    assert body["errors"] == {"rounding": ["Pflichtfeld: bitte ausfüllen."], "x": ["Unbekanntes Feld."]}


def test_a_shop_not_connected_yet_is_told_so_without_the_platforms_details(
    client: FlaskClient, container
) -> None:  # type: ignore[no-untyped-def]
    shop = add_shop(container.uow(), container.box, NewShop("shopify", "neu.myshopify.com", name="Neu"),
                    container.clock.now())

    response = client.post("/admin/api/webhooks/register", headers=admin_headers(shop) | GERMAN)

    assert (response.status_code, response.json["reason"]) == (502, "platform_not_connected")
    assert response.json["message"] == "Dieser Shop ist noch nicht mit seiner Plattform verbunden."


@pytest.mark.parametrize(("language", "empty", "length"), [("en", "Must not be empty.", "1 to 200 characters."),
                                                        ("de", "Darf nicht leer sein.", "1 bis 200 Zeichen.")])
def test_an_empty_adjustment_form_is_explained_in_the_readers_language(
    client: FlaskClient, container: Container, shopify_shop: Shop, language: str, empty: str, length: str
) -> None:
    buyer = s.customer(ref="7001", email="juergen.weiss@example.de")
    deliver(container, shopify_shop, s.order("50017001", at=START, merchandise="50.00", shipping="0", buyer=buyer))
    member = member_by_email(container, shopify_shop, buyer.email)

    body = client.post(f"/admin/api/members/{member.id}/adjust", json={"points": None, "reason": ""},
                       headers=admin_headers(shopify_shop) | {"Accept-Language": language}).json

    assert body["errors"] == {"points": [empty], "reason": [length]}


@pytest.mark.parametrize(("language", "required"),
                         [("en", "Required: please fill in."), ("de", "Pflichtfeld: bitte ausfüllen.")])
def test_a_missing_field_is_explained_in_the_readers_language(
    client: FlaskClient, shopify_shop: Shop, language: str, required: str
) -> None:
    settings = {key: value for key, value in SETTINGS.items() if key != "rounding"} | {"pending_days": 0}
    body = client.put("/admin/api/settings", json=settings,
                      headers=admin_headers(shopify_shop) | {"Accept-Language": language}).json

    assert body["errors"] == {"rounding": [required]}
