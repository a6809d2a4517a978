"""Widget reads answered in front of Flask with the answer cache (PostgreSQL): the view's checks and exact bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from app.api.storefront_hits import WidgetHits
from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.rate_limit import InProcessLimiter, Limit
from tests.api.test_storefront_cache import BUYER, settle, with_points
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.apps import own_app
from tests.support.storefront import proxy_url
from tests.support.waiting import wait_until

IP = "203.0.113.40"  # the shopper, as the platform's proxy adds them to X-Forwarded-For
EGRESS = "198.51.100.1"  # the platform proxy's own address: the peer, as the app faces it (LOYALTY_PROXY_HOPS=0)


class RecordingLimiter(InProcessLimiter):
    """The in-process limiter, remembering every key it was asked for and refusing the keys in `refused`."""

    def __init__(self, clock: FixedClock) -> None:
        super().__init__(clock)
        self.taken: list[str] = []
        self.refused: dict[str, float] = {}

    def take(self, key: str, limit: Limit) -> float:
        self.taken.append(key)
        return self.refused.get(key) or super().take(key, limit)


@pytest.fixture
def limiter(clock: FixedClock) -> RecordingLimiter:
    return RecordingLimiter(clock)


@pytest.fixture
def app(
    settings_overrides: dict[str, object], clock: FixedClock, is_postgres: bool, limiter: RecordingLimiter
) -> Iterator[Flask]:
    if not is_postgres:
        pytest.skip("LISTEN/NOTIFY: the storefront cache is PostgreSQL only")
    with own_app({**settings_overrides, "storefront_cache": True}, clock, rate_limiter=limiter) as application:
        application.extensions["flask_saw"] = []
        application.before_request(lambda: application.extensions["flask_saw"].append(1))
        yield application


@pytest.fixture
def remembered(app: Flask, shopify_shop: Shop, container: Container, clock: FixedClock) -> str:
    """A logged-in shopper with points whose widget this process remembers; returns its ETag."""
    views = container.shopper_views
    wait_until(lambda: views.enabled)
    with_points(container, shopify_shop, clock)
    client = app.test_client()
    client.get(url(shopify_shop, clock), headers={"X-Forwarded-For": IP})  # the first visit makes the member
    settle(container, views)  # ... and its notifications have arrived: the next read's answer stays
    return wait_until(  # type: ignore[no-any-return]
        lambda: (
            (r := client.get(url(shopify_shop, clock), headers={"X-Forwarded-For": IP})).status_code == 200
            and len(views) > 0
            and r.headers["ETag"]
        )
    )


def url(shop: Shop, clock: FixedClock, ref: str | None = "7001", **extra: str) -> str:
    return proxy_url("customer", shop.domain, TEST_SHOPIFY_SECRET, clock.now(), ref, **extra)


def call(wsgi: Any, path: str, **headers: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """One request straight to a WSGI callable: (status line, headers in order, body)."""
    environ = EnvironBuilder(
        path=path, headers={"X-Forwarded-For": IP, **headers}, environ_base={"REMOTE_ADDR": EGRESS}
    ).get_environ()
    body, status, sent = run_wsgi_app(wsgi, environ)
    return status, list(sent.items()), b"".join(body)


def flask_saw(app: Flask) -> int:
    return len(app.extensions["flask_saw"])


def layer(app: Flask) -> WidgetHits:
    assert isinstance(app.wsgi_app, WidgetHits)
    return app.wsgi_app


def assert_answered_in_front_as_the_view_answers(app: Flask, path: str, headers: dict[str, str]) -> None:
    """The layer answers `path` without Flask, with exactly the bytes Flask's view then answers."""
    before = flask_saw(app)

    in_front = call(layer(app), path, **headers)
    assert flask_saw(app) == before
    from_view = call(layer(app)._app, path, **headers)

    assert flask_saw(app) == before + 1
    assert in_front == from_view
    assert in_front[0] == ("304 NOT MODIFIED" if "If-None-Match" in headers else "200 OK")


@pytest.mark.parametrize("conditional", [False, True], ids=["200", "304"])
def test_a_remembered_read_gets_exactly_the_views_answer_without_flask(
    app, shopify_shop, clock, remembered, conditional
) -> None:
    headers = {"If-None-Match": remembered} if conditional else {}

    assert_answered_in_front_as_the_view_answers(app, url(shopify_shop, clock), headers)


def test_the_first_visit_of_a_shopper_goes_to_flask(app, shopify_shop, container, clock) -> None:
    wait_until(lambda: container.shopper_views.enabled)
    with_points(container, shopify_shop, clock)

    status, _, _ = call(layer(app), url(shopify_shop, clock))

    assert (status, flask_saw(app)) == ("200 OK", 1)


def test_a_tampered_signature_is_refused_by_flask_in_the_error_shape(app, shopify_shop, clock, remembered) -> None:
    path = url(shopify_shop, clock).replace("signature=", "signature=0")
    before = flask_saw(app)

    response = app.test_client().get(path, headers={"X-Forwarded-For": IP})

    assert (response.status_code, response.get_json()["code"]) == (401, 401)
    assert flask_saw(app) == before + 1


def test_a_stale_timestamp_is_refused_even_for_a_remembered_shopper(app, shopify_shop, clock, remembered) -> None:
    old = url(shopify_shop, clock)
    clock.advance(seconds=91)

    response = app.test_client().get(old, headers={"X-Forwarded-For": IP, "If-None-Match": remembered})

    assert response.status_code == 401


def test_another_shoppers_request_is_not_answered_with_this_shoppers_widget(
    app, shopify_shop, clock, remembered
) -> None:
    before = flask_saw(app)

    other = app.test_client().get(url(shopify_shop, clock, "7002"), headers={"X-Forwarded-For": IP})

    assert flask_saw(app) == before + 1
    assert other.headers["ETag"] != remembered
    assert BUYER.email not in other.get_data(as_text=True)


@pytest.mark.parametrize("refused", ["edge", "shopper"])
def test_an_exceeded_limit_is_answered_429_by_flask_taking_no_token_twice(
    app, shopify_shop, clock, remembered, limiter, refused
) -> None:
    key = f"edge:{EGRESS}" if refused == "edge" else f"shopper:{shopify_shop.id}:7001"
    limiter.refused[key] = 7.0
    limiter.taken.clear()

    response = app.test_client().get(
        url(shopify_shop, clock), headers={"X-Forwarded-For": IP}, environ_overrides={"REMOTE_ADDR": EGRESS}
    )

    assert (response.status_code, response.get_json()["reason"], response.headers["Retry-After"]) == (
        429,
        "rate_limited",
        "7",
    )
    assert limiter.taken == ([f"edge:{EGRESS}"] if refused == "edge" else [f"edge:{EGRESS}", key])


def test_each_remembered_read_takes_one_edge_and_one_shopper_token(
    app, shopify_shop, clock, remembered, limiter
) -> None:
    limiter.taken.clear()
    before = flask_saw(app)

    statuses = [call(layer(app), url(shopify_shop, clock))[0] for _ in range(3)]

    assert statuses == ["200 OK"] * 3
    assert flask_saw(app) == before
    assert limiter.taken == [f"edge:{EGRESS}", f"shopper:{shopify_shop.id}:7001"] * 3


def test_other_methods_and_paths_go_to_flask(app, shopify_shop, clock, remembered) -> None:
    client = app.test_client()
    before = flask_saw(app)

    head = client.head(url(shopify_shop, clock), headers={"X-Forwarded-For": IP})
    health = client.get("/healthz")

    assert (head.status_code, health.status_code) == (200, 200)
    assert flask_saw(app) == before + 2


def test_while_the_cache_is_off_a_read_still_goes_to_the_database_in_front_of_flask(
    app, shopify_shop, container, clock, remembered
) -> None:
    container.shopper_views.disable()  # forgets this process's copies of shops too: Flask copies it again
    call(layer(app), url(shopify_shop, clock))
    before = flask_saw(app)

    status, _, _ = call(layer(app), url(shopify_shop, clock), **{"If-None-Match": remembered})

    assert (status, flask_saw(app), len(container.shopper_views)) == ("304 NOT MODIFIED", before, 0)
