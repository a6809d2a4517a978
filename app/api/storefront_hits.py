"""The widget read in front of Flask: the view's checks, the view's service call and bytes, no framework.

`GET /proxy/customer` is the storefront's hot path (every page view of every shopper). Flask's own handling of
it (request context, routing, the decorator's proxies, the response object) cost more than a remembered
answer's own work, and about 40 % of a read from the database (in process, 360 µs against 220 µs in front of
Flask), so this WSGI layer answers it directly after the same checks the view's decorator makes —
the signature against the per-process copy of the shop, then the edge and the shopper rate limits, counted by
the same addresses (`edge_key`, `shopper_address`) — with the same service call (`service.read_customer`: from
memory when the shopper is remembered, else one database statement) and so the same status, headers and body.

Everything else goes on to Flask untouched, which then does all of it itself: other paths and methods, a bad
or unknown signature, a shop this process has not copied yet (or whose copy the read found outdated), a
logged-in shopper's first visit (it writes their member row), and anything that failed (Flask answers errors
in the app's shape and logs them; the read wrote nothing, so doing it again there is safe). The rate limits'
outcome is handed on: an exceeded limit (`LIMITED_BEFORE_FLASK`) becomes Flask's 429 in the app's error shape,
and tokens already taken here (`TOKENS_TAKEN`) are not taken a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from app.api.security_headers import EVERY_RESPONSE
from app.api.storefront_auth import (
    EDGE_LIMIT,
    LIMITED_BEFORE_FLASK,
    READ_LIMIT,
    TOKENS_TAKEN,
    edge_key,
    shopper_address,
    shopper_key,
    storefront_context,
)
from app.container import Container
from app.domain.errors import InvalidSignature
from app.platforms.app_proxy import claimed_shop
from app.services import storefront as service
from app.services.storefront_shops import ShopChanged

PATH = "/proxy/customer"
CACHE_CONTROL = ("Cache-Control", "private, no-cache")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class WidgetHits:
    """WSGI middleware around the Flask app (`app.wsgi_app`) answering the widget's reads."""

    def __init__(self, wsgi_app: WsgiApp, container: Container) -> None:
        self._app = wsgi_app
        self._container = container

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET":
            answer = self._answer(environ)
            if answer is not None:
                etag, body = answer
                if body is None:
                    start_response("304 NOT MODIFIED", [("ETag", etag), CACHE_CONTROL, *EVERY_RESPONSE])
                    return []
                start_response(
                    "200 OK",
                    [
                        ("ETag", etag),
                        CACHE_CONTROL,
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                        *EVERY_RESPONSE,
                    ],
                )
                return [body]
        return self._app(environ, start_response)

    def _answer(self, environ: dict[str, Any]) -> tuple[str, bytes | None] | None:
        """(ETag, body or None for a 304) when this layer can answer and the limits allow, else None (Flask's turn)."""
        c = self._container
        verified = _verified(c, environ)
        if verified is None:
            return None
        sf, now, ref = verified
        limiter, hops = c.rate_limiter, c.settings.proxy_hops
        wait = limiter.take(edge_key(environ, hops), EDGE_LIMIT) or limiter.take(
            f"shopper:{shopper_key(sf, shopper_address(environ, hops))}", READ_LIMIT
        )
        if wait > 0:
            environ[LIMITED_BEFORE_FLASK] = wait
            return None
        environ[TOKENS_TAKEN] = True
        try:
            return service.read_customer(
                c.shopper_views, c.picture_sources(), sf, now, environ.get("HTTP_IF_NONE_MATCH")
            )
        except ShopChanged:
            c.shop_directory.forget(ref)  # the view verifies against the database and copies the shop anew
            return None
        except Exception:  # noqa: BLE001 - a read wrote nothing: Flask does it again and answers in the app's shape
            return None


def _verified(c: Container, environ: dict[str, Any]) -> tuple[service.Storefront, datetime, str] | None:
    """(storefront, now, the claimed shop) of a request signed for a shop this process holds a copy of, else
    None."""
    try:
        params = _params(environ)
        ref = claimed_shop(params)
        if c.shop_directory.get(ref) is None:
            return None  # the view reads the shop from the database (and copies it for next time)
        now = c.clock.now()
        shop, proxied = service.verify_request(c.reader, c.box, c.shopify_secrets(), params, now, c.shop_directory)
    except (InvalidSignature, UnicodeError, ValueError):
        return None  # the view answers these in the app's error shape
    locale = next((value for key, value in params if key == "locale"), None)
    account_url = next((value for key, value in params if key == "account_url"), None)
    sf = storefront_context(shop, proxied, environ.get("HTTP_X_FORWARDED_HOST", ""), locale, account_url)
    return sf, now, ref


def _params(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The query's parameters as werkzeug's `request.args` decodes them."""
    return parse_qsl(
        environ.get("QUERY_STRING", "").encode("latin1").decode(),
        keep_blank_values=True,
        errors="werkzeug.url_quote",  # what werkzeug's `request.args` does with undecodable bytes
    )
