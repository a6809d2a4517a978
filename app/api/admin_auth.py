"""Admin authentication for views: `@require_admin` sets `g.shop` and `g.actor`, or answers 401/403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request, session
from werkzeug.exceptions import UnsupportedMediaType

from app.api import container
from app.domain.errors import Forbidden, Unauthorized
from app.i18n import LOCALES, pick_locale
from app.services import admin_sessions

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEY = "admin"
CSRF_HEADER = "X-Loyalty-Admin"  # cookie-authenticated writes must carry it (a cross-site form cannot)


def admin_locale() -> str:
    """The language the admin page asks in (its Accept-Language), else the signed-in shop's."""
    return pick_locale(request.accept_languages.best_match(LOCALES), g.shop.locale)


def require_admin(view: F) -> F:
    """Authenticate by Shopify session token (Bearer) or by the session a login link started."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        c = container()
        bearer = request.headers.get("Authorization", "")
        if bearer.lower().startswith("bearer "):
            identity = admin_sessions.verify_session_token(
                c.uow(), bearer[7:].strip(), c.settings.shopify_api_key, c.shopify_secrets(), c.clock.now()
            )
        else:
            stored = session.get(SESSION_KEY)
            if not isinstance(stored, dict) or "shop_id" not in stored or "domain" not in stored:
                raise Unauthorized("sign in through Shopify or with a login link (command: loyalty admin-link SHOP)")
            if request.method not in {"GET", "HEAD", "OPTIONS"} and CSRF_HEADER not in request.headers:
                raise Forbidden("missing the admin request header")
            identity = admin_sessions.AdminIdentity(
                int(stored["shop_id"]), str(stored.get("actor", "admin")), str(stored["domain"])
            )
        g.shop = admin_sessions.active_shop(c.uow(), identity)
        g.actor = identity.actor
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def start_session(identity: admin_sessions.AdminIdentity) -> None:
    """Remember the merchant in the signed session cookie."""
    session.clear()
    session[SESSION_KEY] = {"shop_id": identity.shop_id, "domain": identity.shop_domain, "actor": identity.actor}
    session.permanent = False


def json_bodies_only() -> None:
    """Before every request: the admin API reads JSON bodies only, so a body of another type is refused (415)
    instead of being read as a request with every field missing."""
    if (
        request.path.startswith("/admin/api/")
        and request.method in ("POST", "PUT", "PATCH")
        and request.content_length
        and not request.is_json
    ):
        raise UnsupportedMediaType("Send the body as JSON (Content-Type: application/json).")
