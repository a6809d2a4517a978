"""Storefront rate limits count the address the proxies we trust saw, never one a client wrote into X-Forwarded-For."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from app.api.storefront_auth import EDGE_LIMIT, edge_key
from app.clock import FixedClock
from app.container import Container
from app.models import Referral, Shop
from tests.conftest import TEST_SHOPIFY_SECRET, TEST_WOO_SECRET
from tests.support.apps import own_app
from tests.support.deliveries import deliver
from tests.support.snapshots import customer
from tests.support.storefront import proxy_url

SHOPPER, OTHER_SHOPPER = "203.0.113.7", "203.0.113.8"  # as the platform's proxy adds them
EGRESS = "34.120.1.2"  # the platform proxy's own address (Shopify's, or the WooCommerce shop's server)
NGINX = "127.0.0.1"  # the deployment guide's nginx, the peer of every request behind it
SECRETS = {"shopify": TEST_SHOPIFY_SECRET, "woocommerce": TEST_WOO_SECRET}


@pytest.fixture(params=[0, 1], ids=["app_facing_clients", "behind_nginx"])
def hops(request: pytest.FixtureRequest) -> int:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, hops: int) -> Iterator[Flask]:
    with own_app({**settings_overrides, "proxy_hops": hops}, clock) as application:
        yield application


def reaching_us_from(host: str, hops: int, forwarded_for: str = "") -> dict[str, object]:
    """The test client's arguments of a request that our edge received from `host`, carrying `forwarded_for`."""
    if hops == 0:
        return {"headers": {"X-Forwarded-For": forwarded_for}, "environ_overrides": {"REMOTE_ADDR": host}}
    chain = f"{forwarded_for}, {host}" if forwarded_for else host  # nginx appended the address it was reached from
    return {"headers": {"X-Forwarded-For": chain}, "environ_overrides": {"REMOTE_ADDR": NGINX}}


def through_the_platform(hops: int, made_up: str, shopper: str) -> dict[str, object]:
    """A request a shopper sent with their own X-Forwarded-For (`made_up`, may be empty), which the platform's
    proxy passed on with the shopper's address appended."""
    return reaching_us_from(EGRESS, hops, ", ".join(entry for entry in (made_up, shopper) if entry))


def referral_code(client: FlaskClient, container: Container, shop: Shop, clock: FixedClock) -> str:
    deliver(container, shop, customer("7001", "juergen.weiss@example.de"))
    member = client.get(proxy_url("customer", shop.domain, SECRETS[shop.platform], clock.now(), "7001"))
    return member.get_json()["member"]["referral_code"]  # type: ignore[no-any-return]


def leave_email(client: FlaskClient, shop: Shop, clock: FixedClock, code: str, n: int, **sent: object):  # type: ignore[no-untyped-def]
    """A guest leaves an email on the referral landing page (the action the audit repeated)."""
    url = proxy_url(f"r/{code}", shop.domain, SECRETS[shop.platform], clock.now())
    return client.post(url, data={"email": f"freund{n}@example.de"}, **sent)


def test_varying_a_made_up_first_x_forwarded_for_entry_does_not_escape_the_guest_limit_of_the_referral_form(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock, hops: int
) -> None:
    code = referral_code(client, container, shopify_shop, clock)

    answers = [
        leave_email(client, shopify_shop, clock, code, n, **through_the_platform(hops, f"10.9.{n}.1", SHOPPER))
        for n in range(20)
    ]

    assert [answer.status_code for answer in answers] == [200] * 5 + [429] * 15
    assert answers[5].headers["Retry-After"] == "10"
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Referral)) == 5


# Shopify's App Proxy adds the client's IP; the WooCommerce plugin sets the header to the shopper's REMOTE_ADDR.
@pytest.mark.parametrize("shop_fixture", ["shopify_shop", "woo_shop"])
def test_two_shoppers_behind_the_same_platform_proxy_have_separate_limits(
    client: FlaskClient, container: Container, clock: FixedClock, hops: int, shop_fixture: str, request
) -> None:
    shop: Shop = request.getfixturevalue(shop_fixture)
    code = referral_code(client, container, shop, clock)
    for n in range(5):
        assert leave_email(client, shop, clock, code, n, **through_the_platform(hops, "", SHOPPER)).status_code == 200

    limited = leave_email(client, shop, clock, code, 5, **through_the_platform(hops, "", SHOPPER))
    other = leave_email(client, shop, clock, code, 6, **through_the_platform(hops, "", OTHER_SHOPPER))

    assert (limited.status_code, other.status_code) == (429, 200)


def test_before_the_signature_check_requests_are_counted_by_the_edges_client_whatever_they_claim(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock, hops: int
) -> None:
    egress = edge_key(EnvironBuilder(**reaching_us_from(EGRESS, hops)).get_environ(), hops)  # type: ignore[arg-type]
    for _ in range(EDGE_LIMIT.capacity):  # requests from the platform's address used its bucket up
        container.rate_limiter.take(egress, EDGE_LIMIT)
    signed = proxy_url("customer", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now())

    made_up = [
        client.get(f"/proxy/customer?shop={shopify_shop.domain}", **through_the_platform(hops, f"10.9.{n}.1", SHOPPER))
        for n in range(3)
    ]
    from_the_platform = client.get(signed, **through_the_platform(hops, "", SHOPPER))
    from_another_host = client.get(signed, **reaching_us_from("198.51.100.9", hops, SHOPPER))

    assert [answer.status_code for answer in made_up] == [429] * 3
    assert int(made_up[0].headers["Retry-After"]) >= 1
    assert from_the_platform.status_code == 429  # its valid signature is checked only after this limit
    assert from_another_host.status_code == 200
