"""Security suite: tenant isolation over every admin and storefront route, replays, forged tokens, escaping,
rate limits, and secrets that stay unreadable in the database and the logs."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from flask import Flask
from sqlalchemy import JSON, LargeBinary, String, Text, select, text

from app.db import Base
from app.models import Shop, SyncRun
from app.services.admin_sessions import issue_login_link
from app.services.shops import NewShop, add_shop
from tests.conftest import TEST_SHOPIFY_SECRET, TEST_WOO_SECRET
from tests.support.admin import admin_headers, session_token
from tests.support.deliveries import deliver
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401 - fixture
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url

XSS = '<img src=x onerror="window.__xss=1">\'"--; DROP TABLE members;--'
VICTIM = customer("9101", "opfer@example.de", first_name=XSS, last_name="Robert'); DROP TABLE orders;--")
STRING_PARAMS = {"decision": "approve", "what": "members", "code": "ABC123", "token": "x"}
ID_TABLES = {"member_id": "members", "reward_id": "rewards", "message_id": "outbox_messages",
             "run_id": "sync_runs", "delivery_id": "webhook_deliveries", "export_id": "privacy_exports",
             "campaign_id": "campaigns", "referral_id": "referrals"}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# 422: flask-smorest validates the body before the view's authentication runs; nothing is read or changed.
REFUSED = (401, 403, 422)


@pytest.fixture
def victim(container, clock) -> Shop:  # type: ignore[no-untyped-def]
    """Shop A, with a member, an order, points, an outbox message, a delivery and a sync run."""
    shop = add_shop(container.uow(), container.box,
                    NewShop("shopify", "opfer-shop.myshopify.com", access_token="shpat_victim_secret"), clock.now())
    deliver(container, shop, order("8001", at=clock.now(), merchandise="120.00", buyer=VICTIM))
    with container.uow() as uow:
        uow.session.add(SyncRun(shop_id=shop.id, trigger="job", status="ok", started_at=clock.now(),
                                finished_at=clock.now(), since=clock.now(), pulled=1, repaired=1, error_count=0,
                                errors=[]))
        uow.commit()
    _try_add_reward(container, shop)
    return shop


@pytest.fixture
def attacker(container, clock) -> Shop:  # type: ignore[no-untyped-def]
    return add_shop(container.uow(), container.box,
                    NewShop("shopify", "angreifer.myshopify.com", access_token="shpat_attacker"), clock.now())


def _try_add_reward(container, shop: Shop) -> None:  # type: ignore[no-untyped-def]
    try:
        from tests.support.rewards import add_reward
    except ImportError:
        return
    add_reward(container, shop, points_cost=100)


def admin_routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(method, rule, argument names) of every /admin/api route."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/api"):
            for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
                found.append((method, rule.rule, sorted(rule.arguments)))
    return found


def first_id_of(container, table: str, shop: Shop) -> int | None:  # type: ignore[no-untyped-def]
    with container.engine.connect() as conn:
        if table not in Base.metadata.tables:
            return None
        return conn.execute(text(f"SELECT min(id) FROM {table} WHERE shop_id = :s"), {"s": shop.id}).scalar()


def fill(container, rule: str, arguments: list[str], shop: Shop) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The rule's URL with the victim's ids; the arguments for which the victim has no object."""
    path, missing = rule, []
    for name in arguments:
        if name in ID_TABLES:
            value = first_id_of(container, ID_TABLES[name], shop)
            if value is None:
                missing.append(name)
                value = 1
        else:
            value = STRING_PARAMS.get(name, "1")
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(value), path)
    return path, missing


def tenant_state(container, shop: Shop) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """Every row of every table that belongs to the shop."""
    state = {}
    with container.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "shop_id" in table.c:
                rows = conn.execute(select(table).where(table.c.shop_id == shop.id)).all()
                state[table.name] = sorted(map(repr, rows))
    return state


def test_every_admin_route_refuses_another_shops_ids(app, client, container, victim, attacker):
    before = tenant_state(container, victim)
    refused_wrongly, uncovered = [], []

    for method, rule, arguments in admin_routes(app):
        if not any(name.endswith("_id") for name in arguments):
            continue
        path, missing = fill(container, rule, arguments, victim)
        uncovered += [f"{method} {rule} ({name})" for name in missing]
        response = client.open(path, method=method, json={}, headers=admin_headers(attacker))
        if response.status_code < 400:
            refused_wrongly.append(f"{method} {rule} -> {response.status_code}")

    assert refused_wrongly == []
    assert tenant_state(container, victim) == before
    # `uncovered`: routes whose id kind the victim has no row of (they are still refused, aimed at id 1).


def test_no_admin_list_shows_another_shops_data(app, client, container, victim, attacker):
    leaks = []

    for method, rule, arguments in admin_routes(app):
        if method != "GET" or any(name.endswith("_id") for name in arguments):
            continue
        response = client.get(fill(container, rule, arguments, victim)[0], headers=admin_headers(attacker))
        body = response.get_data(as_text=True)
        if "opfer@example.de" in body or "8001" in body or "opfer-shop" in body:
            leaks.append(f"GET {rule} -> {response.status_code}")

    assert leaks == []


def test_every_admin_route_refuses_forged_tokens(app, client, victim):
    now = int(time.time())
    claims = {"iss": f"https://{victim.domain}/admin", "dest": f"https://{victim.domain}", "aud": "test-api-key",
              "sub": "42", "exp": now + 60, "nbf": now, "iat": now, "jti": "j", "sid": "s"}
    forged = {
        "alg_none": jwt.encode(claims, key=None, algorithm="none"),
        "wrong_audience": session_token(victim.domain, api_key="another-app"),
        "expired": session_token(victim.domain, now=now - 3600),
        "wrong_secret": session_token(victim.domain, secret="not-the-app-secret-" + "x" * 20),
        "unknown_shop": session_token("nicht-installiert.myshopify.com"),
        "garbage": "not.a.jwt",
    }
    accepted = []

    for method, rule, _arguments in admin_routes(app):
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: STRING_PARAMS.get(m.group(1), "1"), rule)
        for name, token in [*forged.items(), ("none", None)]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = client.open(path, method=method, json={}, headers=headers)
            if response.status_code not in REFUSED:
                accepted.append(f"{name}: {method} {rule} -> {response.status_code}")

    assert accepted == []


def test_a_used_admin_login_link_is_refused(app, client, container, victim):
    link = issue_login_link(container.uow(), container.settings.secret_key, container.settings.public_url,
                            str(victim.id))
    path = link.replace(container.settings.public_url, "")

    first = client.get(path)
    client.post("/admin/logout")
    second = app.test_client().get(path, headers={"Accept": "application/json"})

    assert first.status_code in (302, 303)
    assert second.status_code in (401, 403, 404)
    assert app.test_client().get("/admin/api/me").status_code == 401


def storefront_routes(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/proxy"):
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: STRING_PARAMS.get(m.group(1), "1"), rule.rule)
            found += [(method, path) for method in sorted((rule.methods or set()) - SKIPPED_METHODS)]
    return found


def test_every_storefront_route_refuses_another_shops_signature_and_old_timestamps(app, client, container, clock):
    woo_a = add_shop(container.uow(), container.box, NewShop(
        "woocommerce", "https://laden-a.example.de", webhook_secret=TEST_WOO_SECRET, consumer_key="ck_a",
        consumer_secret="cs_a_secret"), clock.now())
    add_shop(container.uow(), container.box, NewShop(
        "woocommerce", "https://laden-b.example.de", webhook_secret="secret-of-b", consumer_key="ck_b",
        consumer_secret="cs_b"), clock.now())
    accepted = []

    for method, path in storefront_routes(app):
        attempts = {
            "b_signs_for_a": proxy_url(path.removeprefix("/proxy"), woo_a.domain, "secret-of-b", clock.now(), "12"),
            "old_timestamp": proxy_url(path.removeprefix("/proxy"), "opfer-shop.myshopify.com", TEST_SHOPIFY_SECRET,
                                       clock.now() - timedelta(minutes=10), "9101"),
            "unsigned": f"{path}?shop={woo_a.domain}&logged_in_customer_id=12",
        }
        for name, url in attempts.items():
            response = client.open(url, method=method, json={}, headers={"X-Forwarded-For": f"10.0.0.{len(name)}"})
            if response.status_code not in REFUSED:
                accepted.append(f"{name}: {method} {path} -> {response.status_code}")

    assert accepted == []


def test_a_shopper_of_one_shop_sees_nothing_of_another(client, container, clock, victim, attacker):
    response = client.get(proxy_url("/customer", attacker.domain, TEST_SHOPIFY_SECRET, clock.now(), "9101"))

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "opfer@example.de" not in body
    assert '"balance": 120' not in body.replace('"balance":120', '"balance": 120')


def test_storefront_rate_limits_answer_429_with_retry_after(client, clock, victim):
    statuses = []
    for _ in range(200):
        response = client.get(proxy_url("/customer", victim.domain, TEST_SHOPIFY_SECRET, clock.now(), "9101"))
        statuses.append(response.status_code)
        if response.status_code == 429:
            break

    assert statuses[-1] == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json["reason"] == "rate_limited"


def test_hostile_names_come_out_escaped_in_the_emails(container, clock, victim, mailer):
    clock.advance(days=30)
    dispatch(container)

    assert mailer.sent, "no email to check"
    for message in mailer.sent:  # the subject and the text part are plain text: verbatim is right there
        html = message.get_body(("html",))
        assert html is not None
        assert "<img src=x" not in html.get_content()
        assert "&lt;img src=x" in html.get_content()


def test_hostile_names_are_stored_verbatim_and_served_as_json_not_markup(client, container, victim):
    response = client.get("/admin/api/members?q=opfer", headers=admin_headers(victim))

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert XSS in response.get_data(as_text=True).encode().decode("unicode_escape") or XSS in str(response.json)


def secrets_of_the_test() -> list[str]:
    return ["shpat_victim_secret", "shpat_attacker", "cs_a_secret", "secret-of-b", "test-woo-secret"]


def test_access_tokens_and_consumer_secrets_are_not_readable_in_any_text_column(container, clock, victim, attacker):
    add_shop(container.uow(), container.box, NewShop(
        "woocommerce", "https://laden-a.example.de", webhook_secret="secret-of-b", consumer_key="ck_a",
        consumer_secret="cs_a_secret"), clock.now())
    found = []

    with container.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, String | Text | JSON | LargeBinary)
                       or "JSON" in type(c.type).__name__]
            for column in columns:
                for (value,) in conn.execute(select(column).where(column.is_not(None))):
                    raw = value if isinstance(value, str) else repr(value)
                    found += [f"{table.name}.{column.name}" for s in secrets_of_the_test() if s in raw]

    assert found == []


def test_tokens_and_secrets_never_reach_the_logs(client, container, clock, caplog, victim):
    caplog.set_level(logging.DEBUG)
    add_shop(container.uow(), container.box, NewShop(
        "woocommerce", "https://laden-a.example.de", webhook_secret="secret-of-b", consumer_key="ck_a",
        consumer_secret="cs_a_secret"), clock.now())
    from app.services import reconciliation

    for shop_id in (victim.id,):
        reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock, shop_id)
    client.get("/admin/api/sync/runs", headers=admin_headers(victim))

    assert not [s for s in secrets_of_the_test() if s in caplog.text]
