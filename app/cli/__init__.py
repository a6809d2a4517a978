"""The `loyalty` command: run the service, manage shops and members, verify the ledger, load a demo."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import click
from sqlalchemy.exc import DBAPIError

from app import log_format
from app.cli.errors import database_message, error_message, file_message
from app.config import ConfigError, Settings
from app.container import Container
from app.domain.errors import LoyaltyError


class Context:
    """Built lazily so `loyalty --help` needs no database."""

    def __init__(self) -> None:
        self._container: Container | None = None

    @property
    def container(self) -> Container:
        if self._container is None:
            self._container = Container(Settings.from_env())
        return self._container


pass_context = click.make_pass_decorator(Context, ensure=True)


def emit(data: Any, as_json: bool) -> None:
    """Print JSON for scripts, or readable lines for people."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif isinstance(data, dict):
        for key, value in data.items():
            click.echo(f"{key}: {value}")
    else:
        click.echo(str(data))


# Where a command keeps the language its errors are told in (ctx.meta is shared by the whole command line).
LOCALE_KEY = "loyalty.locale"


def speak(locale: str) -> None:
    """Tell the command's failures from here on in `locale` (a merchant's command: --lang or the shop's)."""
    click.get_current_context().meta[LOCALE_KEY] = locale


class LoyaltyGroup(click.Group):
    """Turns domain, configuration, database set-up and file errors into one readable line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (LoyaltyError, ConfigError, DBAPIError, OSError) as exc:
            # A pipe's reader that stopped reading (`loyalty report SHOP --json | head`) is no failure to explain:
            # click ends the command quietly on it.
            if ctx.params.get("debug") or isinstance(exc, BrokenPipeError):
                raise
            message = _operator_message(ctx, exc)
            if message is None:
                raise
            raise click.ClickException(message) from exc


def _operator_message(ctx: click.Context, exc: Exception) -> str | None:
    if isinstance(exc, LoyaltyError):
        return error_message(exc, ctx.meta.get(LOCALE_KEY))
    if isinstance(exc, OSError):
        return file_message(exc)
    if isinstance(exc, DBAPIError):
        context = ctx.find_object(Context)
        built = context._container if context is not None else None  # noqa: SLF001 - only when it was built
        url = built.settings.database_url if built is not None else ""
        return database_message(exc, url)
    return str(exc)


@click.group(cls=LoyaltyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
@click.option("--debug", is_flag=True, help="Show the full traceback of a failure instead of one line.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, debug: bool) -> None:
    """Loyalty backend for Shopify and WooCommerce shops."""
    ctx.ensure_object(Context)  # on the group, so that its error handling sees the settings in use
    log_format.configure(logging.INFO if verbose else logging.WARNING)


COMMAND_MODULES = (
    "app.cli.db",
    "app.cli.server",
    "app.cli.worker",
    "app.cli.shops",
    "app.cli.members",
    "app.cli.ledger",
    "app.cli.demo",
    "app.cli.admin",
    "app.cli.report",
    "app.cli.importer",
)


def build_cli() -> click.Group:
    """The `loyalty` group with every command module registered (once)."""
    import importlib

    if not cli.commands:
        for name in COMMAND_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.register(cli)
    return cli


def main() -> None:
    """Console entry point: domain errors become one readable line and exit code 1."""
    group = build_cli()
    try:
        code = group(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    # Without standalone mode, click returns the code of `ctx.exit(n)` instead of exiting with it.
    sys.exit(code if isinstance(code, int) else 0)
