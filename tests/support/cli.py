"""`loyalty ...` in a test: the real command line on the test's container (its database, clock and fakes)."""

from __future__ import annotations

from click.testing import CliRunner, Result

from app.cli import Context, build_cli
from app.container import Container


def run_cli(container: Container, *args: str) -> Result:
    """Invoke `loyalty` with `args` as a merchant would type them, on `container`."""
    ctx = Context()
    ctx._container = container
    return CliRunner().invoke(build_cli(), list(args), obj=ctx)
