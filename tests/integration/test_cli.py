"""The `loyalty` command as an operator uses it: shops, members, ledger verify, inbox retry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from app.cli import build_cli
from app.models import Member
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.snapshots import customer, order


@pytest.fixture
def run(settings_overrides, monkeypatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI against the test database, as `loyalty ...` would."""
    monkeypatch.setenv("LOYALTY_DATABASE_URL", settings_overrides["database_url"])
    monkeypatch.setenv("LOYALTY_SECRET_KEY", settings_overrides["secret_key"])
    monkeypatch.setenv("SHOPIFY_API_SECRET", settings_overrides["shopify_api_secret"])
    monkeypatch.setenv("LOYALTY_INSTANCE_PATH", str(settings_overrides["instance_path"]))
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(build_cli(), list(args))

    return invoke


def test_shops_add_and_list_show_both_platforms(run, container):
    added = run("shops", "add", "shopify", "Kaffee-Mueller.myshopify.com", "--access-token", "shpat_abc")
    woo = run(
        "shops",
        "add",
        "woocommerce",
        "https://teeladen.example.de/",
        "--webhook-secret",
        "s",
        "--consumer-key",
        "ck_1",
        "--consumer-secret",
        "cs_1",
    )
    listed = run("shops", "list", "--json")

    assert added.exit_code == 0
    assert woo.exit_code == 0
    domains = {row["domain"] for row in json.loads(listed.output)}
    assert domains == {"kaffee-mueller.myshopify.com", "https://teeladen.example.de"}


def test_shops_add_refuses_a_domain_that_is_not_myshopify(run, container):
    result = run("shops", "add", "shopify", "store.myshopify.com.evil.com")

    assert result.exit_code != 0
    assert "myshopify.com" in result.output


def test_access_tokens_are_not_stored_in_clear_text(run, container):
    run("shops", "add", "shopify", "kaffee-mueller.myshopify.com", "--access-token", "shpat_supersecret")

    with container.engine.connect() as conn:
        dump = " ".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM shops"))
    assert "shpat_supersecret" not in dump


def test_members_show_prints_balance_lots_and_ledger_as_json(run, container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="42.50", buyer=customer()))

    result = run("members", "show", shopify_shop.domain, "juergen.weiss@example.de", "--json")

    detail = json.loads(result.output)
    assert (detail["balance"], detail["pending"]) == (42, 0)
    assert detail["lots"][0]["remaining"] == 42
    assert detail["ledger"][0]["kind"] == "earn"


def test_ledger_verify_passes_on_a_consistent_ledger(run, container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, buyer=customer()))

    result = run("ledger", "verify")

    assert result.exit_code == 0
    assert "ok" in result.output


def test_ledger_verify_fails_and_names_a_member_whose_cache_was_tampered_with(run, container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, buyer=customer()))
    with container.uow() as uow:
        uow.session.execute(update(Member).values(balance=999))
        uow.commit()

    result = run("ledger", "verify")

    assert result.exit_code == 1
    assert "juergen.weiss@example.de" in result.output
