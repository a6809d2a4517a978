"""`loyalty db upgrade`: bring the schema to the newest migration."""

from __future__ import annotations

import click
from alembic.util import CommandError

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
        try:
            upgrade(ctx.container.engine, revision)
        except CommandError as exc:
            # Alembic's own wording ("Can't locate revision identified by 'x'") without its traceback.
            raise click.ClickException(f"cannot upgrade to {revision!r}: {exc}") from exc
        click.echo(f"database at {revision}")
