"""A tiny storefront in front of the app for browser tests: a shop page with the widget's script tag, and
`/apps/loyalty/...` forwarded to `/proxy/...` with Shopify's signed App Proxy parameters (PLATFORMS §2.5)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from app.clock import Clock
from app.platforms.app_proxy import signed_params

PREFIX = "/apps/loyalty"
PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kaffeerösterei Müller</title>
<style>
  * { font-family: Georgia, serif; }  /* a hostile theme: none of it may reach the widget */
  button { background: hotpink !important; border: 4px solid lime !important; text-transform: uppercase; }
  body { margin: 0; padding: 24px; background: #fbf7f2; }
</style></head>
<body><h1>Frisch gerösteter Kaffee</h1><p>Willkommen im Shop.</p>
<script src="/widget.js" data-proxy="/apps/loyalty" data-locale="de" data-accent="#0b7a75"{attrs} async></script>
</body></html>
"""

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ShopifyProxyShim:
    """WSGI middleware playing the shop: `customer_ref` is who is logged in (None: a guest)."""

    def __init__(self, app: WsgiApp, shop_domain: str, secret: str, clock: Clock) -> None:
        self.app, self.shop_domain, self.secret, self.clock = app, shop_domain, secret, clock
        self.customer_ref: str | None = None
        self.script_attrs = ""  # more attributes of the widget's script tag, e.g. ` data-nonce="…"`

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/shop":
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [PAGE.replace("{attrs}", self.script_attrs).encode()]
        if path.startswith(PREFIX + "/"):
            environ = dict(environ, PATH_INFO="/proxy/" + path[len(PREFIX) + 1 :])
            environ["QUERY_STRING"] = self._signed(environ.get("QUERY_STRING", ""))
            environ.pop("HTTP_COOKIE", None)  # Shopify strips cookies
        return self.app(environ, start_response)

    def _signed(self, query: str) -> str:
        params = [
            *parse_qsl(query, keep_blank_values=True),
            ("shop", self.shop_domain),
            ("logged_in_customer_id", self.customer_ref or ""),
            ("path_prefix", PREFIX),
            ("timestamp", str(int(self.clock.now().timestamp()))),
        ]
        return urlencode(signed_params(params, self.secret))
