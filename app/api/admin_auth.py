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
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
            shop_id, token = _cookie_session()
            require_admin_header()
            identity = admin_sessions.resume_session(c.uow(), shop_id, token, c.clock.now())
        g.shop = admin_sessions.active_shop(c.uow(), identity)
        g.actor = identity.actor
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_admin_header() -> None:
    """Refuse a cookie-authenticated write without the admin header: a cross-site form cannot send it."""
    if request.method not in SAFE_METHODS and CSRF_HEADER not in request.headers:
        raise Forbidden("missing the admin request header")


def start_session(identity: admin_sessions.AdminIdentity) -> None:
    """Sign this browser in: a new server-side session, named in the signed cookie by a random id."""
    c = container()
    token = admin_sessions.start_session(c.uow(), identity, c.clock.now())
    session.clear()
    session[SESSION_KEY] = {"shop_id": identity.shop_id, "sid": token}
    # Permanent: the cookie carries PERMANENT_SESSION_LIFETIME and is renewed by every admin request, so a
    # session left alone that long ends (the idle limit); admin_sessions.SESSION_MAX_AGE caps it however busy.
    session.permanent = True


def end_session() -> None:
    """Sign this browser out, also on the server (a copy of the cookie no longer counts); harmless when signed out."""
    named = _stored_session()
    if named is not None:
        admin_sessions.end_session(container().uow(), *named)
    session.clear()


def _cookie_session() -> tuple[int, str]:
    """The shop id and session id the signed cookie names, or 401 (none, or a cookie from before session ids)."""
    named = _stored_session()
    if named is None:
        raise Unauthorized("sign in through Shopify or with a login link (command: loyalty admin-link SHOP)")
    return named


def _stored_session() -> tuple[int, str] | None:
    stored = session.get(SESSION_KEY)
    if isinstance(stored, dict) and isinstance(stored.get("shop_id"), int) and isinstance(stored.get("sid"), str):
        return stored["shop_id"], stored["sid"]
    return None


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
