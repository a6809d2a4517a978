"""The widget read answered from memory in front of Flask: the view's checks, the view's bytes, no framework.

`GET /proxy/customer` for a shopper this process remembers (app.services.storefront_cache) needs no database;
what it still cost was mostly Flask's own handling of a request (request context, routing, the response object:
about as much as the App Proxy check and the cache lookup together). This WSGI layer answers such a hit itself
after the same checks the view's decorator makes — the signature against the per-process copy of the shop,
then the IP and the shopper rate limits — with the same status, headers and body.

Everything else goes on to Flask untouched, which then does all of it itself: other paths and methods, a miss,
a bad or unknown signature, a shop this process has not copied yet, the cache switched off or not trusting
itself. A rate limit found exceeded here is handed on (`LIMITED_BEFORE_FLASK`) so Flask answers the 429 in the
app's error shape without taking the request's tokens a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import ImmutableMultiDict

from app.api.storefront_auth import (
    IP_LIMIT,
    LIMITED_BEFORE_FLASK,
    READ_LIMIT,
    client_ip_of,
    shopper_key,
    storefront_context,
)
from app.container import Container
from app.domain.errors import InvalidSignature
from app.platforms.app_proxy import claimed_shop
from app.services import storefront as service

PATH = "/proxy/customer"
CACHE_CONTROL = ("Cache-Control", "private, no-cache")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class WidgetHits:
    """WSGI middleware around the Flask app (`app.wsgi_app`) answering remembered widget reads."""

    def __init__(self, wsgi_app: WsgiApp, container: Container) -> None:
        self._app = wsgi_app
        self._container = container

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET":
            answer = self._answer(environ)
            if answer is not None:
                etag, body = answer
                if body is None:
                    start_response("304 NOT MODIFIED", [("ETag", etag), CACHE_CONTROL])
                    return []
                start_response(
                    "200 OK",
                    [
                        ("ETag", etag),
                        CACHE_CONTROL,
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                    ],
                )
                return [body]
        return self._app(environ, start_response)

    def _answer(self, environ: dict[str, Any]) -> tuple[str, bytes | None] | None:
        """(ETag, body or None for a 304) when memory answers and the limits allow, else None (Flask's turn)."""
        c = self._container
        views = c.shopper_views
        if views is None or not views.enabled:
            return None
        try:
            args = ImmutableMultiDict(
                parse_qsl(
                    environ.get("QUERY_STRING", "").encode("latin1").decode(),
                    keep_blank_values=True,
                    errors="werkzeug.url_quote",  # what werkzeug's `request.args` does with undecodable bytes
                )
            )
            params = list(args.items(multi=True))
            if c.shop_directory.get(claimed_shop(params)) is None:
                return None  # the view reads the shop from the database (and copies it for next time)
            now = c.clock.now()
            shop, proxied = service.verify_request(c.reader, c.box, c.shopify_secrets(), params, now, c.shop_directory)
        except (InvalidSignature, UnicodeError, ValueError):
            return None  # the view answers these in the app's error shape
        sf = storefront_context(shop, proxied, environ.get("HTTP_X_FORWARDED_HOST", ""), args.get("locale"))
        answer = service.remembered_answer(views, sf, now, environ.get("HTTP_IF_NONE_MATCH"))
        if answer is None:
            return None
        ip = client_ip_of(environ.get("HTTP_X_FORWARDED_FOR", ""), environ.get("REMOTE_ADDR"))
        limiter = c.rate_limiter
        wait = limiter.take(f"ip:{ip}", IP_LIMIT) or limiter.take(f"shopper:{shopper_key(sf, ip)}", READ_LIMIT)
        if wait > 0:
            environ[LIMITED_BEFORE_FLASK] = wait
            return None
        return answer
