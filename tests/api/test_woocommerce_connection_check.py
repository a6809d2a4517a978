"""A WooCommerce connection whose store could not be reached (or refused the keys) is marked unverified and repaired."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app.clock import FixedClock
from app.container import Container
from app.domain.errors import PlatformRejected
from app.jobs.scheduler import run_once
from app.services import install, reconciliation
from app.services.connection import connection_status
from app.services.connection_checks import verify_connection
from tests.api.test_install_woocommerce import keys_posted, start, stored
from tests.fakes.woocommerce_server import FakeWooCommerce, woocommerce_order
from tests.support.admin import login_with_link

DOWN = 100  # scripted 503 answers: more than an install and a few checks make
REFUSED_KEY, REFUSED_SECRET = "ck_merchant_key_4711", "cs_merchant_secret_4711"


def connect_while(app: Flask, client: FlaskClient, fake: FakeWooCommerce, *, down: bool = True):  # type: ignore[no-untyped-def]
    """Start the connection in the browser; WooCommerce posts the keys while the store answers 503."""
    state = start(client, fake)["user_id"]
    if down:
        fake.fail(503, times=DOWN)
    response = keys_posted(app.test_client(), fake, state)
    shop = stored(app)
    assert shop is not None
    return response, shop


def connect_with_keys_the_store_refuses(app: Flask, client: FlaskClient, fake: FakeWooCommerce):  # type: ignore[no-untyped-def]
    """A shop connected with keys the merchant then revoked in WooCommerce: the next check finds them refused.
    (Keys the store refuses at the callback store nothing: tests/api/test_install_woocommerce.py.)"""
    fake.consumer_key, fake.consumer_secret = REFUSED_KEY, REFUSED_SECRET
    state = start(client, fake)["user_id"]
    response = keys_posted(app.test_client(), fake, state)
    fake.consumer_key, fake.consumer_secret = "ck_issued_later", "cs_issued_later"  # the old key deleted
    shop = stored(app)
    assert shop is not None
    c: Container = app.extensions["container"]
    with pytest.raises(PlatformRejected):
        verify_connection(c.uow, c.platform_client("woocommerce"), c.box, shop.id, c.settings.public_url,
                          c.clock.now())
    return response, shop


def check_connections(container: Container) -> str:
    return run_once(container, only=("check_connections",))["check_connections"]


def test_a_store_down_during_install_answers_200_and_marks_the_shop_unverified(
    app: Flask, client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce
) -> None:
    response, shop = connect_while(app, client, fake_woocommerce)

    assert response.status_code == 200  # else WooCommerce deletes the keys
    assert response.json["webhooks_registered"] is False
    state = connection_status(container.uow(), shop.id)
    assert (state.verified, state.reason, state.attempts) == (False, "store_unreachable", 1)
    assert "HTTP 503" in state.error
    assert state.next_attempt_at == container.clock.now() + timedelta(minutes=5)


def test_the_worker_registers_the_webhooks_once_the_store_is_up_again(
    app: Flask, client: FlaskClient, container: Container, clock: FixedClock, fake_woocommerce: FakeWooCommerce
) -> None:
    fake_woocommerce.site_name, fake_woocommerce.currency = "Teeladen am Markt", "CHF"
    _, shop = connect_while(app, client, fake_woocommerce)
    clock.advance(minutes=1)
    assert check_connections(container) == "ok 0 shops checked, 0 verified, 0 still failing"  # not due yet

    fake_woocommerce.recover()
    clock.advance(minutes=5)
    result = check_connections(container)

    assert result == "ok 1 shops checked, 1 verified, 0 still failing"
    assert connection_status(container.uow(), shop.id).verified is True
    topics = {hook["topic"] for hook in fake_woocommerce.webhooks.values()}
    assert topics == set(install.manifest()["webhooks"]["woocommerce"]["topics"])
    repaired = stored(app)
    assert repaired is not None
    assert (repaired.name, repaired.currency) == ("Teeladen am Markt", "CHF")  # the install could not read them
    clock.advance(hours=1)
    assert check_connections(container) == "ok 0 shops checked, 0 verified, 0 still failing"


def test_keys_revoked_in_the_store_leave_the_shop_unverified_with_the_reason(
    app: Flask, client: FlaskClient, container: Container, clock: FixedClock, fake_woocommerce: FakeWooCommerce
) -> None:
    response, shop = connect_with_keys_the_store_refuses(app, client, fake_woocommerce)
    first = connection_status(container.uow(), shop.id)

    clock.advance(minutes=5)
    result = check_connections(container)

    assert response.status_code == 200
    assert (first.verified, first.reason) == (False, "keys_refused")
    assert result == "ok 1 shops checked, 0 verified, 1 still failing"
    state = connection_status(container.uow(), shop.id)
    assert (state.verified, state.reason, state.attempts) == (False, "keys_refused", 2)
    assert "HTTP 401: Consumer key is invalid." in state.error


def test_the_worker_gives_up_after_three_days_and_says_so_in_the_log(
    app: Flask, client: FlaskClient, container: Container, clock: FixedClock, fake_woocommerce: FakeWooCommerce,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)
    for _ in range(30):  # backoff from 5 minutes up to 6 hours between tries
        clock.advance(hours=6)
        check_connections(container)
    calls = len(fake_woocommerce.requests)

    clock.advance(hours=6)
    check_connections(container)

    state = connection_status(container.uow(), shop.id)
    assert (state.verified, state.gave_up, state.reason) == (False, True, "store_unreachable")
    assert len(fake_woocommerce.requests) == calls  # no more automatic tries
    given_up = [r for r in caplog.records if "automatic retries stopped" in r.getMessage()]
    assert [r.levelno for r in given_up] == [logging.ERROR]


def test_a_sync_that_reached_the_store_makes_the_check_due_at_once(
    app: Flask, client: FlaskClient, container: Container, clock: FixedClock, fake_woocommerce: FakeWooCommerce
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)
    for _ in range(4):  # the backoff grew to 80 minutes
        clock.advance(hours=1)
        check_connections(container)
    fake_woocommerce.recover()
    fake_woocommerce.orders.append(woocommerce_order(1, (clock.now()).strftime("%Y-%m-%dT%H:%M:%S")))

    outcome = reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock, shop.id)
    result = check_connections(container)

    assert outcome.status == "ok"
    assert result == "ok 1 shops checked, 1 verified, 0 still failing"
    assert connection_status(container.uow(), shop.id).verified is True


def test_the_admin_api_reports_the_state_and_retries_now_with_the_error_shape(
    app: Flask, client: FlaskClient, container: Container, fake_woocommerce: FakeWooCommerce
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)
    headers = login_with_link(app, client, shop)

    before = client.get("/admin/api/connection", headers={"Accept-Language": "de"})
    failed = client.post("/admin/api/connection/verify", headers={**headers, "Accept-Language": "en"})
    after_failure = client.get("/admin/api/connection").json
    fake_woocommerce.recover()
    verified = client.post("/admin/api/connection/verify", headers=headers)

    assert before.status_code == 200
    assert before.json["verified"] is False
    assert before.json["reason"] == "store_unreachable"
    assert "nicht erreichbar" in before.json["texts"]["de"]
    assert "could not be reached" in before.json["texts"]["en"]
    assert failed.status_code == 503
    assert failed.json["reason"] == "platform_unavailable"
    assert (after_failure["verified"], after_failure["attempts"]) == (False, 2)
    assert verified.status_code == 200, verified.json
    assert verified.json["verified"] is True
    assert verified.json["texts"] is None
    assert client.get("/admin/api/connection").json["verified"] is True


def test_keys_never_reach_the_stored_error_the_answers_or_the_logs(
    app: Flask, client: FlaskClient, container: Container, clock: FixedClock, fake_woocommerce: FakeWooCommerce,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _, shop = connect_with_keys_the_store_refuses(app, client, fake_woocommerce)
    headers = login_with_link(app, client, shop)
    clock.advance(minutes=5)
    check_connections(container)
    retried = client.post("/admin/api/connection/verify", headers=headers)

    answers = retried.get_data(as_text=True) + client.get("/admin/api/connection").get_data(as_text=True)
    with container.engine.connect() as conn:
        extras = " ".join(str(v) for (v,) in conn.execute(text("SELECT extra FROM program_settings")))
    logged = caplog.text + "\n".join(repr(vars(record)) for record in caplog.records)
    ours = "\n".join(repr(vars(record)) for record in caplog.records if record.name.startswith("app"))

    assert retried.status_code == 502
    assert "keys_refused" in extras
    assert [t for t in (extras, answers, ours) if REFUSED_KEY in t or REFUSED_SECRET in t] == []
    # The HTTP library logs request URLs at DEBUG, the OAuth 1.0a consumer key among them; never the secret.
    assert REFUSED_SECRET not in logged


def test_a_shop_added_on_the_command_line_is_checked_by_the_worker_and_its_webhooks_registered(
    settings_overrides: dict[str, object], monkeypatch: pytest.MonkeyPatch, container: Container, clock: FixedClock,
    fake_woocommerce: FakeWooCommerce,
) -> None:
    from click.testing import CliRunner

    from app.cli import build_cli

    for name, key in (("LOYALTY_DATABASE_URL", "database_url"), ("LOYALTY_SECRET_KEY", "secret_key"),
                      ("LOYALTY_INSTANCE_PATH", "instance_path")):
        monkeypatch.setenv(name, str(settings_overrides[key]))
    added = CliRunner().invoke(build_cli(), [
        "shops", "add", "woocommerce", fake_woocommerce.url, "--webhook-secret", "whsec_4711",
        "--consumer-key", fake_woocommerce.consumer_key, "--consumer-secret", fake_woocommerce.consumer_secret])
    shop = stored_shop(container, fake_woocommerce.url)

    assert added.exit_code == 0, added.output
    assert "loyalty worker --once --job check_connections" in added.output
    assert (connection_status(container.uow(), shop).verified, connection_status(container.uow(), shop).reason) \
        == (False, "not_checked")  # nothing has reached the store yet: the admin page says so
    clock.set(datetime.now(UTC) + timedelta(minutes=1))  # the command ran on the real clock; the worker runs after
    assert check_connections(container) == "ok 1 shops checked, 1 verified, 0 still failing"
    assert connection_status(container.uow(), shop).verified is True
    assert {hook["topic"] for hook in fake_woocommerce.webhooks.values()} == set(
        install.manifest()["webhooks"]["woocommerce"]["topics"])


def stored_shop(container: Container, url: str) -> int:
    with container.uow() as uow:
        found = uow.session.execute(text("SELECT id FROM shops WHERE domain = :d"), {"d": url.rstrip("/")}).scalar()
    assert found is not None
    return int(found)
