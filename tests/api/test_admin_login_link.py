"""A used or expired login link: browsers get the HTML failure page, JSON clients the JSON error shape."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.container import Container
from app.models import Shop
from app.services.admin_sessions import issue_login_link
from app.services.privacy_data import delete_shop
from app.services.shops import NewShop, add_shop

CHROMIUM_NAVIGATION = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)


def _used_link(app: Flask, container: Container, shop: Shop) -> str:
    link = issue_login_link(
        container.uow(), container.settings.secret_key, container.settings.public_url, str(shop.id)
    ).replace(container.settings.public_url, "")
    assert app.test_client().get(link).status_code == 303
    return link


@pytest.mark.parametrize("accept", [CHROMIUM_NAVIGATION, "*/*"])
def test_a_used_login_link_opened_in_a_browser_shows_the_html_failure_page(
    app: Flask, client: FlaskClient, container: Container, woo_shop: Shop, accept: str
) -> None:
    response = client.get(_used_link(app, container, woo_shop), headers={"Accept": accept})
    assert response.status_code == 401
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True)


def test_a_used_login_link_asked_for_json_answers_the_json_error_shape(
    app: Flask, client: FlaskClient, container: Container, woo_shop: Shop
) -> None:
    response = client.get(_used_link(app, container, woo_shop), headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["reason"]


def _signed_in(app: Flask, container: Container, shop: Shop) -> FlaskClient:
    browser = app.test_client()
    link = issue_login_link(container.uow(), container.settings.secret_key, container.settings.public_url, shop.domain)
    assert browser.get(link.replace(container.settings.public_url, "")).status_code == 303
    return browser


def test_a_session_of_a_deleted_shop_does_not_open_the_shop_that_gets_its_id_next(
    app: Flask, container: Container
) -> None:
    old = add_shop(container.uow(), container.box, NewShop("shopify", "alter-laden.myshopify.com"),
                   container.clock.now())
    browser = _signed_in(app, container, old)
    link = issue_login_link(container.uow(), container.settings.secret_key, container.settings.public_url, old.domain)
    with container.uow() as uow:
        delete_shop(uow.session, old.id)
        uow.commit()
    new = add_shop(container.uow(), container.box, NewShop("shopify", "neuer-laden.myshopify.com"),
                   container.clock.now())

    answers = [browser.get("/admin/api/me"), app.test_client().get(link.replace(container.settings.public_url, ""),
                                                                    headers={"Accept": "application/json"})]

    if container.engine.dialect.name == "sqlite":
        assert new.id == old.id  # SQLite gives a deleted row's id again: the session and the link name that id
    assert [a.status_code for a in answers] == [401, 401]
    assert _signed_in(app, container, new).get("/admin/api/me").get_json()["shop"]["domain"] == new.domain
