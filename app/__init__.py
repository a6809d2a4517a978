"""Loyalty backend: Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import IntegerConverter

from app.config import Settings


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond the database's integer range are simply not found (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2_147_483_647)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, minus its per-request set-up when a request carries no cookie.

    Flask opens the session on every request: it built an itsdangerous serializer each time and, on the way out,
    read six cookie settings, although only the admin pages and the install flow use the session and the
    storefront's hot widget read never sends a cookie. Same cookies and the same `Vary: Cookie` as Flask's."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._serializers:
            self._serializers[key] = super().get_signing_serializer(app)
        return self._serializers[key]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()  # what Flask answers for a request without the session cookie
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # Flask would add nothing either: no cookie to set or delete, no Vary
        super().save_session(app, session, response)


def create_app(overrides: dict[str, Any] | None = None, **ports: Any) -> Flask:
    """Build the Flask app: settings, container, blueprints, error handlers. No import-time side effects.

    `ports` replace concrete implementations (clock=, platform_clients=, mailer=) — tests pass fakes here.
    """
    from app.api import register_api
    from app.container import Container

    settings = Settings.from_env(overrides or {})
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.session_interface = CookieSessions()
    app.config.update(settings.flask_config())
    app.url_map.converters["int"] = DatabaseIdConverter
    container = Container(settings, **ports)
    app.extensions["container"] = container
    register_api(app)
    return app
