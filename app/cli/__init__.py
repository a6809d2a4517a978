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


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
def cli(verbose: bool) -> None:
    """Loyalty backend for Shopify and WooCommerce shops."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def main() -> None:
    """Console entry point: domain errors become one readable line and exit code 1."""
    from app.cli import db, demo, ledger, members, server, shops

    for module in (db, demo, ledger, members, server, shops):
        module.register(cli)
    for name in ("app.cli.worker", "app.cli.admin", "app.cli.report", "app.cli.importer"):
        _register_optional(name)
    try:
        cli(standalone_mode=True)
    except (LoyaltyError, ConfigError) as exc:
        click.echo(f"error: {exc} {getattr(exc, 'details', '') or ''}".rstrip(), err=True)
        sys.exit(1)


def _register_optional(name: str) -> None:
    import importlib

    try:
        importlib.import_module(name).register(cli)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
