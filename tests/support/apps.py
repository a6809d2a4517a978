"""A fresh app of its own for tests that need other platform clients than the shared app's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from app import create_app
from app.clock import FixedClock
from app.container import Container
from tests.conftest import _empty


@contextmanager
def app_with_platforms(settings: dict[str, object], clock: FixedClock, clients: dict[str, Any]) -> Iterator[Flask]:
    """The app on the test's database and clock with these platform clients; emptied and disposed afterwards."""
    application = create_app(settings, clock=clock, platform_clients=clients)
    try:
        yield application
    finally:
        container: Container = application.extensions["container"]
        _empty(container.engine)
        container.dispose()
