"""A fresh app of its own for tests that need other settings or ports than the shared app's."""

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
def own_app(settings: dict[str, object], clock: FixedClock, **ports: Any) -> Iterator[Flask]:
    """The app on the test's database and clock with these ports (`create_app`'s: platform_clients=,
    rate_limiter=, …); its data emptied and its connections disposed afterwards."""
    application = create_app(settings, clock=clock, **ports)
    try:
        yield application
    finally:
        container: Container = application.extensions["container"]
        _empty(container.engine)
        container.dispose()



API_KEY, API_SECRET = "fake-api-key", "fake-api-secret"  # the app's own key and secret at the fake Shopify


def fake_shopify_app_settings(settings: dict[str, object], fake: Any) -> dict[str, object]:
    """The settings that make the app the fake Shopify's app: its key and secret, the fake's Admin API."""
    return {**settings, "shopify_api_key": API_KEY, "shopify_api_secret": API_SECRET, "shopify_api_base": fake.api_base}
