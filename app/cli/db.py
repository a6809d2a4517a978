"""`loyalty db upgrade`: bring the schema to the newest migration."""

from __future__ import annotations

import click
from alembic.util import CommandError

from app.cli import Context, pass_context
from app.migrate import database_revision, head_revision, is_past, scripts, upgrade


def register(cli: click.Group) -> None:
    @cli.group()
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @click.argument("revision", default="head")
    @pass_context
    def db_upgrade(ctx: Context, revision: str) -> None:
        """Apply migrations up to REVISION (default: head); never goes back to an older one."""
        engine = ctx.container.engine
        with engine.connect() as connection:
            before = database_revision(connection)
        target = _resolved(revision)
        if before is not None and target is not None and is_past(before, target):
            raise click.ClickException(
                f"the database is at {before}, already newer than {revision}: `db upgrade` never goes back"
            )
        try:
            upgrade(engine, revision)
        except CommandError as exc:
            # Alembic's own wording ("Can't locate revision identified by 'x'") without its traceback.
            raise click.ClickException(f"cannot upgrade to {revision!r}: {exc}") from exc
        with engine.connect() as connection:
            after = database_revision(connection)
        newest = " (the newest)" if after == head_revision() else ""
        unchanged = ", unchanged" if after == before else ""
        click.echo(f"database at {after}{newest}{unchanged}")


def _resolved(revision: str) -> str | None:
    """The revision id `revision` names (head, a full or partial id); None for what only Alembic resolves (+1)."""
    try:
        script = scripts().get_revision(revision)
    except CommandError:
        return None
    return script.revision if script is not None else None
