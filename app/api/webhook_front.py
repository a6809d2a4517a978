"""Webhook deliveries in front of Flask: the view's service call and answer, without the framework.

`POST /webhooks/shopify` and `/webhooks/woocommerce` are the write path's hot spot: on Black Friday every
order sends several. Flask's own handling of a delivery (request context, routing, the decorators, the response
object) cost about a tenth of the web process's CPU per delivery, so this WSGI layer answers a delivery
directly with the same function the views call (`webhook_deliveries.accept`) and the same 200 and body.

It answers what it takes in: a body with a Content-Length within the limit. Anything else (a body too large or
sent chunked, other paths) goes on to Flask untouched. What raised here goes on to Flask too, with the body put
back and the exception in the environ (`RAISED_IN_FRONT`): the view raises it again instead of doing the work a
second time, so Flask answers it in the app's error shape and logs it, as if the view had met it itself: a bad
or missing signature 401, a malformed body 400, a lost database connection 5xx (the platform retries; the
intake rolled back, and its inbox's unique key makes the retry safe).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from app.api.security_headers import EVERY_RESPONSE
from app.api.webhook_deliveries import PLATFORMS, accept, ack, headers_of
from app.container import Container

PATHS = {f"/webhooks/{platform}": platform for platform in PLATFORMS}
RAISED_IN_FRONT = "loyalty.webhook_raised"  # environ key: what taking the delivery in raised here

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class WebhookFront:
    """WSGI middleware around the Flask app (`app.wsgi_app`) answering webhook deliveries."""

    def __init__(self, wsgi_app: WsgiApp, container: Container) -> None:
        self._app = wsgi_app
        self._container = container

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        platform = PATHS.get(environ.get("PATH_INFO", ""))
        if platform is not None and environ.get("REQUEST_METHOD") == "POST":
            body = self._body(environ)
            if body is not None:
                outcome = self._outcome(platform, environ, body)
                if outcome is not None:
                    answer = ack(outcome)
                    start_response(
                        "200 OK",
                        [("Content-Type", "application/json"), ("Content-Length", str(len(answer))), *EVERY_RESPONSE],
                    )
                    return [answer]
                environ["wsgi.input"] = io.BytesIO(body)  # Flask reads the same bytes again
        return self._app(environ, start_response)

    def _body(self, environ: dict[str, Any]) -> bytes | None:
        """The whole body when its length is declared and within the limit, else None (Flask's turn, unread)."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 <= length <= self._container.settings.max_webhook_bytes:
            return None
        body: bytes = environ["wsgi.input"].read(length)
        return body if len(body) == length else None

    def _outcome(self, platform: str, environ: dict[str, Any], body: bytes) -> str | None:
        try:
            return accept(self._container, platform, headers_of(environ), body)
        except Exception as exc:  # noqa: BLE001 - handed to the view, which raises it again (see the docstring)
            environ[RAISED_IN_FRONT] = exc
            return None
