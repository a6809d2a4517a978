"""WooCommerceAdminClient against the fake WooCommerce: OAuth 1.0a, coupons, failures, orders, webhooks."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.platforms.base import CouponSpec
from app.platforms.woocommerce.admin import WooCommerceAdminClient
from tests.fakes import fixtures
from tests.fakes.woocommerce_server import FakeWooCommerce, woocommerce_order

fake_woocommerce = fixtures.fake_woocommerce  # also runs without the shared conftest

STARTS = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def coupon(code: str = "TREUE-7K2M-9QXP", **overrides: object) -> CouponSpec:
    fields: dict[str, object] = {
        "code": code,
        "title": "Treuepunkte 5 €",
        "kind": "fixed_amount",
        "value": Decimal("5.00"),
        "currency": "EUR",
        "customer_ref": None,
        "email": "j.weiss@example.de",
        "minimum_order": Decimal("20.00"),
        "starts_at": STARTS,
        "ends_at": datetime(2026, 6, 14, 23, 59, 59, tzinfo=UTC),
        "idempotency_key": f"redemption:{code}",
    }
    return CouponSpec(**(fields | overrides))  # type: ignore[arg-type]


def client_for(sleeps: list[float] | None = None, **options: object) -> WooCommerceAdminClient:
    recorder = sleeps.append if sleeps is not None else time.sleep
    return WooCommerceAdminClient(sleep=recorder, **options)  # type: ignore[arg-type]


def test_coupon_request_is_oauth1_signed_and_carries_the_documented_fields(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    pushed = client_for().create_coupon(fake_woocommerce.credentials, coupon())

    request = fake_woocommerce.requests_to("/coupons")[-1]
    assert request.path == "/wp-json/wc/v3/coupons"
    assert request.args["oauth_signature_method"] == "HMAC-SHA256"
    assert "oauth_version" not in request.args
    assert request.json == {
        "code": "treue-7k2m-9qxp",
        "discount_type": "fixed_cart",
        "amount": "5.00",
        "free_shipping": False,
        "individual_use": False,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "description": "Treuepunkte 5 €",
        "email_restrictions": ["j.weiss@example.de"],
        "date_expires_gmt": "2026-06-14T23:59:59",
        "minimum_amount": "20.00",
    }
    assert pushed.platform_ref == str(fake_woocommerce.coupon("treue-7k2m-9qxp")["id"])  # type: ignore[index]


def test_free_shipping_coupon_is_a_zero_fixed_cart_with_free_shipping(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    client_for().create_coupon(fake_woocommerce.credentials, coupon(kind="free_shipping", value=Decimal(0)))

    stored = fake_woocommerce.coupon("treue-7k2m-9qxp") or {}
    assert (stored["discount_type"], stored["amount"], stored["free_shipping"]) == ("fixed_cart", "0", True)


def test_wrong_consumer_secret_is_refused_as_platform_rejected(fake_woocommerce: FakeWooCommerce) -> None:
    wrong = dataclasses.replace(fake_woocommerce.credentials, consumer_secret="cs_wrong")

    with pytest.raises(PlatformRejected, match="signature does not match"):
        client_for().create_coupon(wrong, coupon())


def test_429_with_retry_after_is_waited_out_with_a_fresh_nonce_per_try(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    sleeps: list[float] = []
    fake_woocommerce.throttle(retry_after=1.5)

    client_for(sleeps).create_coupon(fake_woocommerce.credentials, coupon())

    nonces = {r.args["oauth_nonce"] for r in fake_woocommerce.requests_to("/coupons")}
    assert sleeps == [1.5]
    assert len(nonces) == 2
    assert fake_woocommerce.coupon("treue-7k2m-9qxp") is not None


def test_long_retry_after_raises_platform_unavailable_with_retry_after(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    fake_woocommerce.throttle(retry_after=2.5)

    with pytest.raises(PlatformUnavailable) as caught:
        client_for([]).create_coupon(fake_woocommerce.credentials, coupon())

    assert caught.value.retry_after == 2.5


def test_server_error_raises_platform_unavailable(fake_woocommerce: FakeWooCommerce) -> None:
    fake_woocommerce.fail(502)

    with pytest.raises(PlatformUnavailable):
        client_for().create_coupon(fake_woocommerce.credentials, coupon())


def test_hanging_server_raises_platform_unavailable_after_the_timeout(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    fake_woocommerce.hang(5.0)
    started = time.monotonic()

    with pytest.raises(PlatformUnavailable):
        client_for(timeout=0.5).create_coupon(fake_woocommerce.credentials, coupon())

    assert time.monotonic() - started < 3.0


def test_validation_error_raises_platform_rejected(fake_woocommerce: FakeWooCommerce) -> None:
    with pytest.raises(PlatformRejected, match="email_restrictions"):
        client_for().create_coupon(fake_woocommerce.credentials, coupon(email="not-an-email"))

    assert fake_woocommerce.coupons == {}


def test_a_shop_redirecting_its_api_elsewhere_is_rejected_naming_the_address_not_followed(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    fake_woocommerce.moved_to = "https://www.teeladen.example"

    with pytest.raises(PlatformRejected, match=r"answers from https://www\.teeladen\.example/wp-json/wc/v3/coupons;"):
        client_for().create_coupon(fake_woocommerce.credentials, coupon())
    assert [r.method for r in fake_woocommerce.requests] == ["POST"]  # not turned into a GET of the coupon list


def test_retried_create_after_a_lost_response_returns_the_same_id_and_one_code(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    client = client_for(timeout=0.5)
    fake_woocommerce.hang(5.0, process=True)
    with pytest.raises(PlatformUnavailable):
        client.create_coupon(fake_woocommerce.credentials, coupon())

    pushed = client.create_coupon(fake_woocommerce.credentials, coupon())

    assert [c["code"] for c in fake_woocommerce.coupons.values()] == ["treue-7k2m-9qxp"]
    assert pushed.platform_ref == str(next(iter(fake_woocommerce.coupons)))


def test_deactivate_coupon_makes_it_unusable(fake_woocommerce: FakeWooCommerce) -> None:
    client = client_for()
    pushed = client.create_coupon(fake_woocommerce.credentials, coupon(ends_at=None))

    client.deactivate_coupon(fake_woocommerce.credentials, pushed.platform_ref)

    assert not fake_woocommerce.coupon_is_usable("treue-7k2m-9qxp")


def test_orders_changed_since_walks_every_page_oldest_first(fake_woocommerce: FakeWooCommerce) -> None:
    fake_woocommerce.orders = [woocommerce_order(n, f"2026-03-{n:02d}T10:00:00") for n in range(9, 0, -1)]

    orders = client_for(page_size=2).orders_changed_since(
        fake_woocommerce.credentials, datetime(2026, 3, 3, 9, tzinfo=UTC)
    )

    assert [o.order_ref for o in orders] == ["3", "4", "5", "6", "7", "8", "9"]
    assert [r.args["page"] for r in fake_woocommerce.requests_to("/orders")] == ["1", "2", "3", "4"]


def test_orders_changed_since_leaves_out_block_checkout_drafts(fake_woocommerce: FakeWooCommerce) -> None:
    # Listed by `status=any`, but no order yet: the webhook path ignores them too (PLATFORMS §4.4).
    fake_woocommerce.orders = [
        woocommerce_order(1, "2026-03-01T10:00:00", status="checkout-draft", date_paid_gmt=None),
        woocommerce_order(2, "2026-03-02T10:00:00"),
    ]

    orders = client_for().orders_changed_since(fake_woocommerce.credentials, STARTS.replace(month=2))

    assert [o.order_ref for o in orders] == ["2"]


def test_orders_changed_since_with_no_orders_asks_once(fake_woocommerce: FakeWooCommerce) -> None:
    orders = list(client_for().orders_changed_since(fake_woocommerce.credentials, STARTS))

    assert orders == []
    assert len(fake_woocommerce.requests_to("/orders")) == 1


def test_register_webhooks_is_idempotent(fake_woocommerce: FakeWooCommerce) -> None:
    client = client_for()
    topics = {
        "order.updated": "https://loyalty.example/wh/woo",
        "order.deleted": "https://loyalty.example/wh/woo",
    }

    client.register_webhooks(fake_woocommerce.credentials, topics, secret="s3cret")
    client.register_webhooks(fake_woocommerce.credentials, topics, secret="s3cret")

    hooks = fake_woocommerce.webhooks.values()
    assert sorted(h["topic"] for h in hooks) == ["order.deleted", "order.updated"]
    assert {h["secret"] for h in hooks} == {"s3cret"}


def test_register_webhooks_reactivates_a_disabled_webhook(fake_woocommerce: FakeWooCommerce) -> None:
    client = client_for()
    topics = {"order.updated": "https://loyalty.example/wh/woo"}
    client.register_webhooks(fake_woocommerce.credentials, topics, secret="s3cret")
    hook = next(iter(fake_woocommerce.webhooks.values()))
    hook["status"] = "disabled"  # WooCommerce disables a webhook after repeated delivery failures

    client.register_webhooks(fake_woocommerce.credentials, topics, secret="s3cret")

    assert [h["status"] for h in fake_woocommerce.webhooks.values()] == ["active"]


def test_shop_details_are_the_site_title_and_the_store_currency(fake_woocommerce: FakeWooCommerce) -> None:
    fake_woocommerce.site_name, fake_woocommerce.currency = "Teeladen am Markt", "CHF"
    details = client_for().shop_details(fake_woocommerce.credentials)
    assert (details.name, details.currency, details.locale) == ("Teeladen am Markt", "CHF", None)
    index = [r for r in fake_woocommerce.requests if r.path == "/wp-json/"]
    assert index[0].args == {"_fields": "name,home"}  # the public index: no keys sent where none are needed
    assert details.address == fake_woocommerce.url


def test_shop_details_with_keys_the_shop_refuses_are_rejected(fake_woocommerce: FakeWooCommerce) -> None:
    wrong = dataclasses.replace(fake_woocommerce.credentials, consumer_secret="cs_wrong")
    with pytest.raises(PlatformRejected):
        client_for().shop_details(wrong)


@pytest.fixture
def https_woocommerce() -> Iterator[FakeWooCommerce]:
    """The fake shop over HTTPS (a self-signed certificate, which the client is told to accept)."""
    fake = FakeWooCommerce()
    fake.tls = True
    with fake:
        yield fake


def https_client() -> WooCommerceAdminClient:
    session = requests.Session()
    session.verify, session.trust_env = False, False  # the fake's throw-away certificate, whatever the env says
    return client_for(session=session)


insecure_certificate = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@insecure_certificate
def test_https_shop_gets_its_keys_by_basic_auth(https_woocommerce: FakeWooCommerce) -> None:
    https_client().create_coupon(https_woocommerce.credentials, coupon())

    request = https_woocommerce.requests_to("/coupons")[-1]
    assert request.headers["Authorization"].startswith("Basic ")
    assert "consumer_secret" not in request.args
    assert "oauth_signature" not in request.args


@insecure_certificate
def test_https_shop_whose_server_drops_the_authorization_header_gets_its_keys_in_the_query(
    https_woocommerce: FakeWooCommerce,
) -> None:
    https_woocommerce.drops_authorization = True  # PHP as CGI: "Consumer key is missing" (§5.2)
    client = https_client()

    client.create_coupon(https_woocommerce.credentials, coupon())
    client.create_coupon(https_woocommerce.credentials, coupon("TREUE-8L3N-0RYR"))

    assert sorted(https_woocommerce.coupons[i]["code"] for i in https_woocommerce.coupons) == [
        "treue-7k2m-9qxp", "treue-8l3n-0ryr",
    ]
    sent = [r.args.get("consumer_key") for r in https_woocommerce.requests_to("/coupons")]
    assert sent == [None, "ck_fake", "ck_fake"]  # tried once with Basic auth, then the query for this shop


@insecure_certificate
def test_https_shop_refusing_the_keys_in_the_query_too_is_platform_rejected(
    https_woocommerce: FakeWooCommerce,
) -> None:
    https_woocommerce.drops_authorization = True
    wrong = dataclasses.replace(https_woocommerce.credentials, consumer_secret="cs_wrong")

    with pytest.raises(PlatformRejected):
        https_client().create_coupon(wrong, coupon())
    assert https_woocommerce.coupons == {}
