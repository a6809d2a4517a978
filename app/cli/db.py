"""`loyalty db upgrade`: bring the schema to the newest migration."""

from __future__ import annotations

import click

from app.cli import Context, pass_context
from app.migrate import upgrade


def register(cli: click.Group) -> None:
    @cli.group()
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @click.argument("revision", default="head")
    @pass_context
    def db_upgrade(ctx: Context, revision: str) -> None:
        """Apply migrations up to REVISION (default: head)."""
        upgrade(ctx.container.engine, revision)
        click.echo(f"database at {revision}")
