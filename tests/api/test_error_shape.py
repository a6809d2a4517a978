"""The one error shape at its edges: bodies that are not JSON, and field errors always listed."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.container import Container
from app.models import Reward, Shop
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.admin import admin_headers
from tests.support.webhooks import shopify_headers

GERMAN = {"Accept-Language": "de"}


def rewards(container: Container) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Reward)) or 0


def test_an_admin_body_that_is_not_json_is_refused_as_malformed_like_a_webhook_body(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    headers = admin_headers(shopify_shop) | {"Content-Type": "application/json"}

    response = client.post("/admin/api/rewards", data=b'{"name_de": "F\xfcnf', headers=headers)

    assert response.status_code == 400
    assert response.json == {
        "code": 400, "status": "Bad Request", "message": "The payload is malformed.", "reason": "malformed_payload",
        "errors": {"body": ["not valid JSON"]},
    }
    assert rewards(container) == 0


def test_an_admin_form_post_is_refused_as_the_wrong_media_type_not_as_missing_fields(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    response = client.post("/admin/api/rewards", data={"name_de": "Fünf Euro"}, headers=admin_headers(shopify_shop))

    assert (response.status_code, response.json["reason"]) == (415, "unsupported_media_type")
    assert "application/json" in response.json["message"]
    assert rewards(container) == 0


def test_a_field_error_found_by_the_domain_is_a_list_of_messages_like_a_schemas(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    body = b"[1, 2"
    headers = shopify_headers(body, "orders/paid", shopify_shop.domain, TEST_SHOPIFY_SECRET) | GERMAN

    response = client.post("/webhooks/shopify", data=body, headers=headers)

    assert response.status_code == 400
    assert isinstance(response.json["errors"]["body"], list)
    assert len(response.json["errors"]["body"]) == 1
