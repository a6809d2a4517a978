"""Shared fixtures: the app on SQLite or PostgreSQL (LOYALTY_TEST_DATABASE_URL), migrated once, emptied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app import create_app
from app.clock import FixedClock
from app.container import Container
from app.db import Base, make_engine
from app.migrate import upgrade
from app.models import Shop
from app.services.shops import NewShop, add_shop

TEST_SHOPIFY_SECRET = "test-shopify-secret"
TEST_WOO_SECRET = "test-woo-secret&amp;1"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytest_plugins = ["tests.fakes.fixtures"] if (Path(__file__).parent / "fakes" / "fixtures.py").exists() else []


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """SQLite in a temporary file, or LOYALTY_TEST_DATABASE_URL; with pytest-xdist, one database per worker."""
    configured = os.environ.get("LOYALTY_TEST_DATABASE_URL")
    if not configured:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker_id in ("master", ""):
        return configured
    return _worker_database(configured, worker_id)


def _worker_database(url: str, worker_id: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker_id}"
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """The pytest-xdist worker ("gw0", ...), or "master" when the suite runs in one process."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "master"))


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """The test database, emptied and migrated to head once per run."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return database_url


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def base_overrides(database_url: str, instance_path: Path) -> dict[str, object]:
    """Settings every test app uses."""
    return {
        "database_url": database_url,
        "testing": True,
        "instance_path": instance_path,
        "secret_key": "test-secret-key-" + "x" * 32,
        "shopify_api_key": "test-api-key",
        "shopify_api_secret": TEST_SHOPIFY_SECRET,
        "public_url": "http://127.0.0.1:8000",
        "db_pool_size": 30,
        # Off for the general suite: the cache is evicted by notifications that arrive on another thread, so a
        # test reading right after its own write could race them. tests/api/test_storefront_cache.py turns it on.
        "storefront_cache": False,
    }


@pytest.fixture
def settings_overrides(migrated: str, tmp_path: Path) -> dict[str, object]:
    """Settings for a test that builds its own app (with other ports or overrides)."""
    return base_overrides(migrated, tmp_path / "instance")


@pytest.fixture(scope="session")
def shared_app(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # Building the app compiles every route and the OpenAPI document (~0.3 s): once per run, not per test.
    application = create_app(base_overrides(migrated, tmp_path_factory.mktemp("instance")), clock=FixedClock(START))
    yield application
    application.extensions["container"].dispose()


@pytest.fixture
def app(shared_app: Flask, clock: FixedClock) -> Iterator[Flask]:
    """The app with this test's clock; ports and data are reset afterwards."""
    c: Container = shared_app.extensions["container"]
    saved = (c.clock, c._platform_clients, dict(c.ports))
    c.clock = clock
    yield shared_app
    c.clock, c._platform_clients, c.ports = saved[0], saved[1], saved[2]
    _empty(c.engine)
    shutil.rmtree(c.settings.instance_path, ignore_errors=True)
    c.settings.instance_path.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def container(app: Flask) -> Container:
    return app.extensions["container"]  # type: ignore[no-any-return]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def shopify_shop(container: Container) -> Shop:
    new = NewShop("shopify", "kaffee-mueller.myshopify.com", name="Kaffeerösterei Müller", access_token="shpat_test")
    return add_shop(container.uow(), container.box, new, container.clock.now())


@pytest.fixture
def woo_shop(container: Container) -> Shop:
    new = NewShop(
        "woocommerce",
        "https://teeladen.example.de/",
        name="Teeladen",
        webhook_secret=TEST_WOO_SECRET,
        consumer_key="ck_test",
        consumer_secret="cs_test",
    )
    return add_shop(container.uow(), container.box, new, container.clock.now())


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    # DELETE beats TRUNCATE on tables this small (TRUNCATE rewrites files and takes exclusive locks).
    with engine.begin() as conn:
        for name in tables:
            conn.execute(text(f"DELETE FROM {name}"))
