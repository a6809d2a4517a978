"""The `loyalty` command: run the service, manage shops and members, verify the ledger, load a demo."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import click

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


class LoyaltyGroup(click.Group):
    """Turns domain and configuration errors into one readable line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (LoyaltyError, ConfigError) as exc:
            details = getattr(exc, "errors", None) or getattr(exc, "details", None) or ""
            raise click.ClickException(f"{exc} {details}".rstrip()) from exc


@click.group(cls=LoyaltyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
def cli(verbose: bool) -> None:
    """Loyalty backend for Shopify and WooCommerce shops."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


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
        group(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
