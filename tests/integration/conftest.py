"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from click.testing import Result

from app.container import Container
from tests.support.cli import run_cli


@pytest.fixture
def run(container: Container) -> Callable[..., Result]:
    """`loyalty ...` on the test's container (its database and clock)."""
    return partial(run_cli, container)
