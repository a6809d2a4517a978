"""Loyalty backend: Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.config import Settings


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond the database's integer range are simply not found (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2_147_483_647)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def create_app(overrides: dict[str, Any] | None = None, **ports: Any) -> Flask:
    """Build the Flask app: settings, container, blueprints, error handlers. No import-time side effects.

    `ports` replace concrete implementations (clock=, platform_clients=, mailer=) — tests pass fakes here.
    """
    from app.api import register_api
    from app.container import Container

    settings = Settings.from_env(overrides or {})
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(settings.flask_config())
    app.url_map.converters["int"] = DatabaseIdConverter
    container = Container(settings, **ports)
    app.extensions["container"] = container
    register_api(app)
    return app
