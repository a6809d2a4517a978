"""Alembic is the only source of the schema: `upgrade head` produces exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

import app.models  # noqa: F401 - every table on the metadata
from app.db import Base
from app.migrate import alembic_config, upgrade


# SQLite cannot reflect the lower(email) expression indexes: they are compared on PostgreSQL only.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_upgrade_head_matches_the_models(container):
    with container.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_every_table_but_shops_is_keyed_by_shop():
    unscoped = [t.name for t in Base.metadata.sorted_tables if t.name != "shops" and "shop_id" not in t.c]

    assert unscoped == []


def coupon_triggers(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT DISTINCT tgname FROM pg_trigger WHERE tgrelid = 'coupons'::regclass AND NOT tgisinternal"
        ))
        return {row[0] for row in rows}


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_the_coupons_notify_migration_goes_down_and_up_again(container, is_postgres):
    engine = container.engine
    config = alembic_config(engine)

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    down = (revision(engine), coupon_triggers(engine) if is_postgres else set())
    upgrade(engine)
    up = (revision(engine), coupon_triggers(engine) if is_postgres else set())

    assert down == ("0008", set())
    notifying = {f"loyalty_notify_{event}" for event in ("insert", "update", "delete", "truncate")}
    assert up == (ScriptDirectory.from_config(config).get_current_head(), notifying if is_postgres else set())
