"""Alembic is the only source of the schema: `upgrade head` produces exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import app.models  # noqa: F401 - every table on the metadata
from app.db import Base


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
