"""/healthz: ready (200) only on a database that answers and holds this code's schema; 503 while it has none, an
older one, or does not answer; the schema's verdict is read once for a few seconds of probes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from app import create_app
from app.api.health import SchemaCheck
from app.migrate import head_revision, upgrade


@pytest.fixture
def app_on(settings_overrides: dict[str, object]) -> Iterator:  # type: ignore[type-arg]
    """An app (as `loyalty serve` builds it: no migration) on the database at the URL given."""
    built: list[Flask] = []

    def build(url: str) -> Flask:
        app = create_app({**settings_overrides, "database_url": url})
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["container"].dispose()


def test_a_migrated_database_is_ready(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_database_without_the_schema_is_not_ready_and_says_what_to_run(app_on, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = app_on(f"sqlite:///{tmp_path / 'empty.db'}")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "no schema: run `loyalty db upgrade`"}


def test_a_database_behind_the_codes_migrations_is_not_ready(app_on, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = app_on(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(app.extensions["container"].engine, "0005")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["database"] == f"schema at 0005, this code needs {head_revision()}: run `loyalty db upgrade`"


def test_a_database_migrated_meanwhile_is_ready_once_the_verdict_is_renewed(app_on, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = app_on(f"sqlite:///{tmp_path / 'later.db'}")
    app.extensions["health_schema_check"] = SchemaCheck(seconds=0)  # every probe reads again
    client = app.test_client()
    before = client.get("/healthz").status_code

    upgrade(app.extensions["container"].engine)

    assert (before, client.get("/healthz").status_code) == (503, 200)


def test_a_database_that_does_not_answer_is_not_ready(app_on) -> None:  # type: ignore[no-untyped-def]
    app = app_on("postgresql://loyalty@127.0.0.1:1/loyalty")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_probes_within_a_few_seconds_read_the_schema_once(app, client) -> None:  # type: ignore[no-untyped-def]
    app.extensions["health_schema_check"] = SchemaCheck()
    statements: list[str] = []
    engine = app.extensions["container"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answers = [client.get("/healthz").status_code for _ in range(5)]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        app.extensions.pop("health_schema_check")

    assert answers == [200] * 5
    assert len([s for s in statements if "alembic_version" in s]) == 1
