"""Widget reads from the database in front of Flask (both engines, no answer cache): one statement, the view's bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from app.clock import FixedClock
from app.container import Container
from app.db_reads import Reader
from app.models import Shop
from app.queries_storefront import _READ
from tests.api.test_storefront_cache import BUYER, CountingReader, with_points
from tests.api.test_storefront_hits import (
    EGRESS,
    IP,
    RecordingLimiter,
    assert_answered_in_front_as_the_view_answers,
    call,
    flask_saw,
    layer,
    url,
)
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.apps import own_app
from tests.support.rewards import add_reward, bronze_silber_gold, save_program
from tests.support.storefront import proxy_url


@pytest.fixture
def limiter(clock: FixedClock) -> RecordingLimiter:
    return RecordingLimiter(clock)


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, limiter: RecordingLimiter) -> Iterator[Flask]:
    with own_app({**settings_overrides, "storefront_cache": False}, clock, rate_limiter=limiter) as application:
        c: Container = application.extensions["container"]
        c._reader = CountingReader(c.engine)
        application.extensions["flask_saw"] = []
        application.before_request(lambda: application.extensions["flask_saw"].append(1))
        yield application


@pytest.fixture
def member(app: Flask, shopify_shop: Shop, container: Container, clock: FixedClock) -> str:
    """A shopper with points who has visited once (their referral code exists); returns their ETag."""
    with_points(container, shopify_shop, clock)
    status, headers, _ = call(layer(app), url(shopify_shop, clock))
    assert status == "200 OK"
    return dict(headers)["ETag"]


def statements(container: Container) -> int:
    return container.reader.statements  # type: ignore[no-any-return]


@pytest.mark.parametrize("conditional", [False, True], ids=["200", "304"])
def test_a_read_gets_exactly_the_views_answer_without_flask(app, shopify_shop, clock, member, conditional) -> None:
    headers = {"If-None-Match": member} if conditional else {}

    assert_answered_in_front_as_the_view_answers(app, url(shopify_shop, clock), headers)


def test_a_plain_read_is_one_statement(app, shopify_shop, container, clock, member) -> None:
    before = statements(container)

    status, _, body = call(layer(app), url(shopify_shop, clock))

    assert (status, statements(container) - before) == ("200 OK", 1)
    assert json.loads(body)["history"][0]["label"] == "Bestellung #5001"


def test_a_conditional_read_of_a_changed_picture_reads_the_history_after_the_etag(
    app, shopify_shop, container, clock, member
) -> None:
    with_points(container, shopify_shop, clock, ref="5002")
    before = statements(container)

    status, _, body = call(layer(app), url(shopify_shop, clock), **{"If-None-Match": member})

    assert (status, statements(container) - before) == ("200 OK", 2)
    assert [entry["label"] for entry in json.loads(body)["history"]] == ["Bestellung #5002", "Bestellung #5001"]


def test_a_first_visit_is_made_by_flask_taking_each_token_once(app, shopify_shop, container, clock, limiter) -> None:
    with_points(container, shopify_shop, clock)  # a member from the order, without a referral code yet

    status, _, body = call(layer(app), url(shopify_shop, clock))

    assert (status, flask_saw(app)) == ("200 OK", 1)
    assert json.loads(body)["member"]["referral_code"].startswith("JUERGEN-")
    assert limiter.taken == [f"edge:{EGRESS}", f"shopper:{shopify_shop.id}:7001"]


def test_a_shop_edited_after_this_process_copied_it_is_verified_again_by_flask(
    app, shopify_shop, container, clock, member, limiter
) -> None:
    with container.uow() as uow:
        uow.session.execute(update(Shop).where(Shop.id == shopify_shop.id).values(name="Kaffee & Kuchen"))
        uow.commit()
    limiter.taken.clear()
    before = flask_saw(app)

    status, _, body = call(layer(app), url(shopify_shop, clock))

    assert (status, flask_saw(app)) == ("200 OK", before + 1)
    assert json.loads(body)["shop"]["name"] == "Kaffee & Kuchen"
    assert limiter.taken == [f"edge:{EGRESS}", f"shopper:{shopify_shop.id}:7001"]


def test_a_read_that_fails_is_answered_by_flask_in_the_error_shape(app, shopify_shop, container, clock, member) -> None:
    reader: Reader = container.reader

    def broken(sql: str, args: Any) -> list[tuple[Any, ...]]:
        if sql.startswith(_READ.sql[:40]):
            raise RuntimeError("the read broke")
        return Reader._fetch(reader, sql, args)

    reader._fetch = broken  # type: ignore[method-assign]
    before = flask_saw(app)

    status, _, body = call(layer(app), url(shopify_shop, clock))

    assert (status, flask_saw(app)) == ("500 INTERNAL SERVER ERROR", before + 1)
    assert json.loads(body)["reason"] == "internal_error"


def test_a_read_answers_the_same_bytes_as_an_actions_refreshed_picture(
    app, shopify_shop, container, clock, member
) -> None:
    add_reward(container, shopify_shop, points_cost=500)
    add_reward(container, shopify_shop, points_cost=900)
    save_program(container, shopify_shop, bronze_silber_gold())
    client = app.test_client()
    action = client.post(
        proxy_url("birthday", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001"),
        json={"birthday": "1990-05-17"},
        headers={"X-Forwarded-For": IP},
    )

    _, _, body = call(layer(app), url(shopify_shop, clock))

    assert action.status_code == 200
    assert body == action.data
    picture = json.loads(body)
    assert [reward["affordable"] for reward in picture["rewards"]] == [True, False]
    assert (picture["tier"]["current"]["key"], picture["member"]["first_name"]) == ("gold", BUYER.first_name)
