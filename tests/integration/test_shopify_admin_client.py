"""ShopifyAdminClient against the fake Shopify server: coupons, rate limits, failures, orders, webhooks."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.platforms.base import CouponSpec
from app.platforms.shopify.admin import ShopifyAdminClient
from tests.fakes import fixtures
from tests.fakes.maintenance_page import MaintenancePage
from tests.fakes.shopify_server import FakeShopify, shopify_order

fake_shopify = fixtures.fake_shopify  # also runs without the shared conftest

STARTS = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def coupon(code: str = "TREUE-7K2M-9QXP", **overrides: object) -> CouponSpec:
    fields: dict[str, object] = {
        "code": code,
        "title": "Treuepunkte 5 €",
        "kind": "fixed_amount",
        "value": Decimal("5.00"),
        "currency": "EUR",
        "customer_ref": "7712345678901",
        "email": "j.weiss@example.de",
        "minimum_order": None,
        "starts_at": STARTS,
        "ends_at": None,
        "idempotency_key": f"redemption:{code}",
    }
    return CouponSpec(**(fields | overrides))  # type: ignore[arg-type]


def client_for(fake: FakeShopify, sleeps: list[float] | None = None, **options: object) -> ShopifyAdminClient:
    recorder = sleeps.append if sleeps is not None else time.sleep
    return ShopifyAdminClient(api_base=fake.api_base, sleep=recorder, **options)  # type: ignore[arg-type]


def test_coupon_request_carries_the_access_token_and_the_documented_fields(fake_shopify: FakeShopify) -> None:
    pushed = client_for(fake_shopify).create_coupon(
        fake_shopify.credentials, coupon(minimum_order=Decimal("20"))
    )

    request = fake_shopify.requests_to("/graphql.json")[-1]
    sent = request.json["variables"]["d"]
    assert request.path == "/admin/api/2025-10/graphql.json"
    assert request.headers["X-Shopify-Access-Token"] == fake_shopify.access_token
    assert "discountCodeBasicCreate(basicCodeDiscount: $d)" in request.json["query"]
    assert sent["customerGets"]["value"] == {"discountAmount": {"amount": "5.00", "appliesOnEachItem": False}}
    assert sent["context"] == {"customers": {"add": ["gid://shopify/Customer/7712345678901"]}}
    assert (sent["usageLimit"], sent["appliesOncePerCustomer"]) == (1, True)
    assert sent["startsAt"] == "2026-03-14T09:30:00Z"
    assert sent["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "20"}}
    assert pushed.platform_ref == fake_shopify.discounts["TREUE-7K2M-9QXP"]["id"]


def test_percentage_coupon_is_sent_as_a_fraction(fake_shopify: FakeShopify) -> None:
    client_for(fake_shopify).create_coupon(
        fake_shopify.credentials, coupon(kind="percentage", value=Decimal(10))
    )

    assert fake_shopify.discounts["TREUE-7K2M-9QXP"]["input"]["customerGets"]["value"] == {"percentage": 0.1}


def test_free_shipping_coupon_uses_the_free_shipping_mutation(fake_shopify: FakeShopify) -> None:
    spec = coupon(kind="free_shipping", value=Decimal(0))

    client_for(fake_shopify).create_coupon(fake_shopify.credentials, spec)

    assert fake_shopify.discounts["TREUE-7K2M-9QXP"]["kind"] == "free_shipping"


def test_429_with_retry_after_is_waited_out_and_then_succeeds(fake_shopify: FakeShopify) -> None:
    sleeps: list[float] = []
    fake_shopify.throttle(retry_after=0.5, times=2)

    pushed = client_for(fake_shopify, sleeps).create_coupon(fake_shopify.credentials, coupon())

    assert sleeps == [0.5, 0.5]
    assert pushed.platform_ref == fake_shopify.discounts["TREUE-7K2M-9QXP"]["id"]


def test_long_retry_after_raises_platform_unavailable_with_retry_after(fake_shopify: FakeShopify) -> None:
    sleeps: list[float] = []
    fake_shopify.throttle(retry_after=30.0)

    with pytest.raises(PlatformUnavailable) as caught:
        client_for(fake_shopify, sleeps).create_coupon(fake_shopify.credentials, coupon())

    assert caught.value.retry_after == 30.0
    assert sleeps == []


def test_graphql_throttled_error_raises_platform_unavailable(fake_shopify: FakeShopify) -> None:
    fake_shopify.throttle_graphql()

    with pytest.raises(PlatformUnavailable) as caught:
        client_for(fake_shopify).create_coupon(fake_shopify.credentials, coupon())

    assert caught.value.retry_after == pytest.approx(0.1)  # 10 points missing at 100 points/s


def test_server_error_raises_platform_unavailable(fake_shopify: FakeShopify) -> None:
    fake_shopify.fail(500)

    with pytest.raises(PlatformUnavailable):
        client_for(fake_shopify).create_coupon(fake_shopify.credentials, coupon())


def test_hanging_server_raises_platform_unavailable_after_the_timeout(fake_shopify: FakeShopify) -> None:
    fake_shopify.hang(5.0)
    started = time.monotonic()

    with pytest.raises(PlatformUnavailable):
        client_for(fake_shopify, timeout=0.5).create_coupon(fake_shopify.credentials, coupon())

    assert time.monotonic() - started < 3.0


def test_validation_error_raises_platform_rejected(fake_shopify: FakeShopify) -> None:
    with pytest.raises(PlatformRejected, match="Code can't be blank"):
        client_for(fake_shopify).create_coupon(fake_shopify.credentials, coupon(code=""))

    assert fake_shopify.discounts == {}


def test_wrong_access_token_raises_platform_rejected(fake_shopify: FakeShopify) -> None:
    revoked = dataclasses.replace(fake_shopify.credentials, access_token="revoked")

    with pytest.raises(PlatformRejected, match="401"):
        client_for(fake_shopify).create_coupon(revoked, coupon())


def test_retried_create_after_a_lost_response_returns_the_same_id_and_one_code(
    fake_shopify: FakeShopify,
) -> None:
    client = client_for(fake_shopify, timeout=0.5)
    fake_shopify.hang(5.0, process=True)
    with pytest.raises(PlatformUnavailable):
        client.create_coupon(fake_shopify.credentials, coupon())

    pushed = client.create_coupon(fake_shopify.credentials, coupon())

    assert list(fake_shopify.discounts) == ["TREUE-7K2M-9QXP"]
    assert pushed.platform_ref == fake_shopify.discounts["TREUE-7K2M-9QXP"]["id"]


def test_deactivate_coupon_expires_the_discount(fake_shopify: FakeShopify) -> None:
    client = client_for(fake_shopify)
    pushed = client.create_coupon(fake_shopify.credentials, coupon())

    client.deactivate_coupon(fake_shopify.credentials, pushed.platform_ref)

    assert fake_shopify.discounts["TREUE-7K2M-9QXP"]["status"] == "EXPIRED"


def test_deactivating_an_unknown_discount_raises_platform_rejected(fake_shopify: FakeShopify) -> None:
    with pytest.raises(PlatformRejected, match="does not exist"):
        client_for(fake_shopify).deactivate_coupon(
            fake_shopify.credentials, "gid://shopify/DiscountCodeNode/1"
        )


def test_orders_changed_since_walks_every_page_oldest_first(fake_shopify: FakeShopify) -> None:
    fake_shopify.orders = [shopify_order(n, f"2026-03-{n:02d}T10:00:00Z") for n in range(9, 0, -1)]
    client = client_for(fake_shopify, page_size=2)

    orders = client.orders_changed_since(fake_shopify.credentials, datetime(2026, 3, 3, 10, tzinfo=UTC))
    refs = [order.order_ref for order in orders]

    assert refs == ["3", "4", "5", "6", "7", "8", "9"]
    assert len(fake_shopify.requests_to("/orders.json")) == 4


class BucketTime:
    """The fake shop's bucket clock, moved on only by the client's waits (requests take no time)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_a_long_order_sync_paces_itself_by_the_call_limit_header_and_never_hits_429(
    fake_shopify: FakeShopify,
) -> None:
    bucket = BucketTime()
    fake_shopify.rest_clock = lambda: bucket.now
    fake_shopify.orders = [shopify_order(n, f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}Z") for n in range(1, 121)]
    client = ShopifyAdminClient(api_base=fake_shopify.api_base, sleep=bucket.sleep, page_size=2)

    refs = [order.order_ref for order in client.orders_changed_since(fake_shopify.credentials, STARTS.replace(month=1))]

    assert refs == [str(n) for n in range(1, 121)]
    assert fake_shopify.rest_throttled == 0
    # 60 pages into a bucket of 40 that leaks 2 per second, a fifth kept free: the first 32 go at once, each
    # later page waits until one call has leaked out.
    assert bucket.waits[:1] == [0.5]
    assert sum(bucket.waits) == pytest.approx((60 - 32) / 2, abs=0.6)


def test_without_pacing_the_fake_shop_answers_429_once_its_bucket_is_full(fake_shopify: FakeShopify) -> None:
    fake_shopify.rest_clock = lambda: 0.0  # no time passes, nothing leaks
    statuses = []
    for _ in range(41):
        answer = requests.get(f"{fake_shopify.api_base}/admin/api/2025-10/shop.json",
                              headers={"X-Shopify-Access-Token": fake_shopify.access_token}, timeout=5)
        statuses.append((answer.status_code, answer.headers.get("X-Shopify-Shop-Api-Call-Limit")))

    assert statuses[0] == (200, "1/40")
    assert statuses[39] == (200, "40/40")
    assert statuses[40][0] == 429
    assert answer.headers["Retry-After"] == "2.0"


def test_register_webhooks_is_idempotent(fake_shopify: FakeShopify) -> None:
    client = client_for(fake_shopify)
    topics = {
        "orders/paid": "https://loyalty.example/wh/shopify",
        "refunds/create": "https://loyalty.example/wh/shopify",
    }

    client.register_webhooks(fake_shopify.credentials, topics, secret=None)
    client.register_webhooks(fake_shopify.credentials, topics, secret=None)

    assert sorted(w["topic"] for w in fake_shopify.webhooks) == ["ORDERS_PAID", "REFUNDS_CREATE"]


def test_unreachable_shop_raises_platform_unavailable(fake_shopify: FakeShopify) -> None:
    with FakeShopify() as stopped:
        closed_base = stopped.api_base

    with pytest.raises(PlatformUnavailable, match="connection failed"):
        ShopifyAdminClient(api_base=closed_base).create_coupon(fake_shopify.credentials, coupon())


def test_shop_details_come_from_shop_json(fake_shopify: FakeShopify) -> None:
    fake_shopify.details = {"name": "Kaffee & Kuchen", "currency": "CHF", "primary_locale": "de-CH"}
    details = client_for(fake_shopify).shop_details(fake_shopify.credentials)
    assert (details.name, details.currency, details.locale) == ("Kaffee & Kuchen", "CHF", "de-CH")
    request = fake_shopify.requests_to("/shop.json")[0]
    assert request.headers["X-Shopify-Access-Token"] == fake_shopify.access_token


def test_shop_details_that_shopify_cannot_give_now_are_a_transient_failure(fake_shopify: FakeShopify) -> None:
    fake_shopify.shop_outages = 1
    with pytest.raises(PlatformUnavailable):
        client_for(fake_shopify).shop_details(fake_shopify.credentials)


def test_an_answer_that_is_not_json_is_a_transient_failure_not_a_crash(fake_shopify: FakeShopify) -> None:
    with MaintenancePage() as page:
        client = ShopifyAdminClient(api_base=page.url)

        with pytest.raises(PlatformUnavailable, match="not JSON"):
            client.create_coupon(fake_shopify.credentials, coupon())
        with pytest.raises(PlatformUnavailable, match="not JSON"):
            list(client.orders_changed_since(fake_shopify.credentials, STARTS))
