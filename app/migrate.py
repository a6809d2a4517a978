"""Running Alembic from the app: `loyalty db upgrade`, `loyalty run` and the tests use this."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app.config import ConfigError

VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps


def migrations_dir() -> Path:
    """The repository's migrations/ folder (the package is installed editable, as the README says)."""
    configured = os.environ.get("LOYALTY_MIGRATIONS_PATH")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (head by default)."""
    folder = migrations_dir()
    if not folder.is_dir():
        # Alembic's own words, "Path doesn't exist ... Please use the 'init' command", send an operator the wrong way.
        raise ConfigError(
            f"no migrations at {folder}: an install that is not editable does not carry them; set "
            "LOYALTY_MIGRATIONS_PATH to the migrations/ folder of the same release (docs/deployment.md §2)"
        )
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@cache
def scripts() -> ScriptDirectory:
    """The migration scripts of this code (read once per process)."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    """The newest migration this code has; None when its migrations/ folder is not there to tell."""
    try:
        return scripts().get_current_head()
    except (CommandError, OSError):
        return None


def database_revision(connection: Connection) -> str | None:
    """The migration the database is at (one indexed read); None when it has no schema of ours yet."""
    try:
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    except DBAPIError:
        connection.rollback()  # PostgreSQL refuses anything else in a failed transaction
        if inspect(connection).has_table(VERSION_TABLE):
            raise  # the table is there: the failure is the database's (gone away), not a missing schema
        return None


def is_past(current: str, target: str) -> bool:
    """The database at `current` is already beyond `target` (upgrading to `target` would be going back)."""
    if current == target:
        return False
    try:
        return any(script.revision == target for script in scripts().iterate_revisions(current, "base"))
    except (CommandError, RevisionError):
        return False  # `current` is a revision this code does not know: a newer one, not an older one
