"""The webhook layer in front of Flask (app.api.webhook_front): what it hands on to Flask is answered the same."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app.api.webhook_deliveries import headers_of
from app.platforms.shopify.webhooks import normalise_headers
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.deliveries import member_by_email
from tests.support.webhooks import load_payload, shopify_headers

SHOP = "kaffee-mueller.myshopify.com"


@contextmanager
def served(app: Flask) -> Iterator[http.client.HTTPConnection]:
    """The app behind werkzeug's own server (`loyalty run`), on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    finally:
        server.shutdown()
        server.server_close()


def test_a_chunked_delivery_within_the_limit_is_taken_in_by_flask(app, container, shopify_shop) -> None:
    body = json.dumps(load_payload("shopify", "orders_paid")).encode()
    with served(app) as connection:
        connection.request(
            "POST", "/webhooks/shopify", body=(body[i : i + 512] for i in range(0, len(body), 512)),
            encode_chunked=True, headers=shopify_headers(body, "orders/paid", SHOP, TEST_SHOPIFY_SECRET),
        )
        response = connection.getresponse()
        answer = json.loads(response.read())

    assert (response.status, answer) == (200, {"outcome": "processed"})
    assert member_by_email(container, shopify_shop, "juergen.weiss@example.de").balance > 0


def test_a_delivery_over_a_real_socket_is_answered_in_front(app, container, shopify_shop) -> None:
    body = json.dumps(load_payload("shopify", "orders_paid")).encode()
    with served(app) as connection:
        connection.request("POST", "/webhooks/shopify", body=body,
                           headers=shopify_headers(body, "orders/paid", SHOP, TEST_SHOPIFY_SECRET))
        response = connection.getresponse()
        answer = json.loads(response.read())

    assert (response.status, response.getheader("Content-Type"), answer) == (
        200, "application/json", {"outcome": "processed"}
    )


def test_the_headers_read_in_front_are_the_views() -> None:
    environ = EnvironBuilder(
        method="POST", path="/webhooks/shopify", data=b"{}", content_type="application/json",
        headers={"X-Shopify-Topic": "orders/paid", "X-Shopify-Hmac-Sha256": "abc=", "X-Shopify-Webhook-Id": "w-1"},
    ).get_environ()

    assert headers_of(environ) == normalise_headers(Request(environ).headers)
