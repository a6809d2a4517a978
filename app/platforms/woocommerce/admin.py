"""WooCommerce REST API v3 client: customer-bound coupons, order sync and webhooks for one shop."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import requests
from requests.auth import AuthBase

from app.domain.errors import PlatformNotConnected, PlatformRejected, PlatformUnavailable
from app.domain.snapshots import OrderSnapshot, RefundSnapshot
from app.platforms.base import CouponSpec, PushedCoupon, ShopCredentials, ShopDetails
from app.platforms.http import DEFAULT_TIMEOUT, Timeout, call, json_object
from app.platforms.payload import objects
from app.platforms.woocommerce.parse import is_draft, parse_order, parse_refund

__all__ = ["OAuth1", "WooCommerceAdminClient"]

API_PATH = "/wp-json/wc/v3"
CODE_EXISTS = "woocommerce_rest_coupon_code_already_exists"
PAGE_SIZE = 100  # WP REST maximum
# What WooCommerce answers for an order it no longer has (`rest_no_route`, a broken site, is not among them).
ORDER_GONE = frozenset({"woocommerce_rest_invalid_order_id", "woocommerce_rest_shop_order_invalid_id"})
DISCOUNT_TYPES = {"fixed_amount": "fixed_cart", "percentage": "percent", "free_shipping": "fixed_cart"}


class OAuth1(AuthBase):
    """One-legged OAuth 1.0a as WooCommerce checks it over plain HTTP (§5.2); signs every attempt anew,
    so a retried request never reuses a nonce."""

    def __init__(self, consumer_key: str, consumer_secret: str, clock: Callable[[], float] = time.time) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.clock = clock

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(request.url or "")
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        params.update(
            oauth_consumer_key=self.consumer_key,
            oauth_timestamp=str(int(self.clock())),
            oauth_nonce=secrets.token_hex(16),
            oauth_signature_method="HMAC-SHA256",
        )
        base_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        params["oauth_signature"] = self.signature(str(request.method), base_url, params)
        request.prepare_url(base_url, params)
        return request

    def signature(self, method: str, base_url: str, params: Mapping[str, str]) -> str:
        """WooCommerce's variant: parameters are percent-encoded once, joined with `%3D` and `%26`."""
        pairs = "%26".join(f"{_encode(k)}%3D{_encode(v)}" for k, v in sorted(params.items()))
        message = f"{method.upper()}&{_encode(base_url)}&{pairs}"
        digest = hmac.new(f"{self.consumer_secret}&".encode(), message.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()


class WooCommerceAdminClient:
    """`PlatformClient` for WooCommerce: Basic auth over HTTPS, OAuth 1.0a signatures over plain HTTP."""

    def __init__(
        self,
        timeout: Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 2.0,
        session: requests.Session | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.page_size = page_size
        self.timeout = timeout
        self.sleep = sleep
        self.max_wait = max_wait
        self.session = session or requests.Session()
        self._query_auth: set[str] = set()  # HTTPS shops whose server drops the Authorization header

    def create_coupon(self, shop: ShopCredentials, coupon: CouponSpec) -> PushedCoupon:
        """Create a single-use coupon bound to the shopper's email; an existing code (a retry) is reused."""
        try:
            created = self._request(shop, "POST", "coupons", json=_coupon_body(coupon)).json()
        except PlatformRejected as exc:
            if exc.details.get("code") != CODE_EXISTS:
                raise
            found = self.find_coupon(shop, coupon.code)
            if found is None:
                message = f"WooCommerce says the coupon {coupon.code!r} exists, but it cannot be found"
                raise PlatformRejected(message) from exc
            return PushedCoupon(platform_ref=found)
        return PushedCoupon(platform_ref=str(created["id"]))

    def deactivate_coupon(self, shop: ShopCredentials, platform_ref: str) -> None:
        """Expire the coupon as of yesterday (`usage_limit: 0` would mean unlimited in WooCommerce)."""
        yesterday = datetime.now(UTC) - timedelta(days=1)
        self._request(shop, "PUT", f"coupons/{platform_ref}", json={"date_expires_gmt": _gmt(yesterday)})

    def orders_changed_since(self, shop: ShopCredentials, since: datetime) -> Iterator[OrderSnapshot]:
        """Every order modified after `since`, oldest first, page by page until `X-WP-TotalPages`; block-checkout
        drafts, which the list includes, are no orders yet (PLATFORMS §4.4)."""
        params: dict[str, Any] = {
            "modified_after": _gmt(since),
            "dates_are_gmt": "true",
            "per_page": self.page_size,
            "orderby": "modified",
            "order": "asc",
        }
        for page in self._pages(shop, "orders", params):
            yield from (parse_order(payload) for payload in page if not is_draft(payload))

    def refunds(self, shop: ShopCredentials, order_ref: str) -> list[RefundSnapshot]:
        """Every refund of the order, itemised (`GET orders/{id}/refunds`, page by page); none for an order
        the shop no longer has (404), so what was known of its refunds is kept as it is."""
        try:
            pages = list(self._pages(shop, f"orders/{quote(order_ref, safe='')}/refunds", {"per_page": self.page_size}))
        except PlatformRejected as exc:
            if exc.details.get("status") == 404 and exc.details.get("code") in ORDER_GONE:
                return []
            raise
        return [parse_refund(entry, order_ref) for page in pages for entry in objects(page, "refunds")]

    def register_webhooks(self, shop: ShopCredentials, topics: Mapping[str, str], secret: str | None) -> None:
        """Create the missing (topic, delivery URL) webhooks and re-activate ones WooCommerce disabled."""
        existing = {
            (hook["topic"], hook["delivery_url"]): hook
            for page in self._pages(shop, "webhooks", {"per_page": self.page_size})
            for hook in page
        }
        for topic, url in topics.items():
            body: dict[str, Any] = {"status": "active", **({"secret": secret} if secret else {})}
            hook = existing.get((topic, url))
            if hook is None:
                body |= {"name": f"Loyalty {topic}", "topic": topic, "delivery_url": url}
                self._request(shop, "POST", "webhooks", json=body)
            elif hook.get("status") != "active":
                self._request(shop, "PUT", f"webhooks/{hook['id']}", json=body)

    def shop_details(self, shop: ShopCredentials) -> ShopDetails:
        """The site's title and home URL from the WordPress REST index, the store currency from
        `data/currencies/current`.

        WooCommerce's REST API does not tell the site's language (only `system_status`, which also makes slow
        outbound checks), so `locale` stays None and the shop keeps the language chosen in the admin page.
        """
        currency = json_object(self._request(shop, "GET", "data/currencies/current"))
        index = json_object(call(
            self.session,
            "GET",
            f"{_shop_url(shop.domain)}/wp-json/",
            params={"_fields": "name,home"},
            headers={"Accept": "application/json"},
            timeout=self.timeout,
            max_wait=self.max_wait,
            sleep=self.sleep,
        ))
        return ShopDetails(
            name=str(index.get("name") or ""),
            currency=str(currency.get("code") or ""),
            locale=None,
            address=str(index.get("home") or "") or None,  # home_url(): what X-WC-Webhook-Source names
        )

    def record_marketing_consent(self, shop: ShopCredentials, customer_ref: str, consented_at: datetime) -> None:
        """WooCommerce keeps no email marketing consent of its own (newsletter plugins do): nothing to record."""
        raise PlatformRejected("WooCommerce has no email marketing consent to record")

    def find_coupon(self, shop: ShopCredentials, code: str) -> str | None:
        """The coupon's id by `GET coupons?code=` (WooCommerce stores codes lower-case), or None."""
        wanted = code.lower()
        found = self._request(shop, "GET", "coupons", params={"code": wanted}).json()
        for coupon in found if isinstance(found, list) else []:
            if str(coupon.get("code", "")).lower() == wanted:
                return str(coupon["id"])
        return None

    def _pages(self, shop: ShopCredentials, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        page = 1
        while True:
            response = self._request(shop, "GET", path, params={**params, "page": page})
            yield response.json()
            if page >= int(response.headers.get("X-WP-TotalPages") or 0):
                return
            page += 1

    def _request(self, shop: ShopCredentials, method: str, path: str, **kwargs: Any) -> requests.Response:
        base = _shop_url(shop.domain)
        url, auth = f"{base}{API_PATH}/{path}", _auth(shop, base)
        if isinstance(auth, tuple) and base in self._query_auth:
            return self._with_query_auth(auth, method, url, kwargs)
        try:
            return self._call(method, url, auth, kwargs)
        except PlatformRejected as exc:
            if not isinstance(auth, tuple) or exc.details.get("status") != 401:
                raise
        # Servers running PHP as CGI/FastCGI drop the Authorization header, so WooCommerce saw no keys: send them
        # as query parameters instead (§5.2), and keep doing so for this shop. A 401 means nothing was done.
        response = self._with_query_auth(auth, method, url, kwargs)
        self._query_auth.add(base)
        return response

    def _with_query_auth(
        self, keys: tuple[str, str], method: str, url: str, kwargs: dict[str, Any]
    ) -> requests.Response:
        params = {**kwargs.get("params", {}), "consumer_key": keys[0], "consumer_secret": keys[1]}
        try:
            return self._call(method, url, None, {**kwargs, "params": params})
        except PlatformUnavailable as exc:
            # requests' own error names the whole URL, secret included: keep it out of chained tracebacks.
            raise PlatformUnavailable(str(exc), retry_after=exc.retry_after) from None

    def _call(self, method: str, url: str, auth: Any, kwargs: dict[str, Any]) -> requests.Response:
        response = call(
            self.session,
            method,
            url,
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=self.timeout,
            max_wait=self.max_wait,
            sleep=self.sleep,
            allow_redirects=False,
            **kwargs,
        )
        if response.is_redirect:
            # Followed, a POST would come back as a GET (the coupon list, not a coupon) and the keys would be
            # dropped or no longer match the signed URL: the shop lives at another address.
            moved_to = urlsplit(response.headers.get("Location", ""))
            raise PlatformRejected(
                f"{method} {url.split('?', 1)[0]}: the shop answers from {moved_to.scheme}://{moved_to.netloc}"
                f"{moved_to.path}; register it under its own address",
                status=response.status_code,
            )
        return response


def _coupon_body(coupon: CouponSpec) -> dict[str, Any]:
    if coupon.kind not in DISCOUNT_TYPES:
        raise PlatformRejected(f"Unknown coupon kind {coupon.kind!r}")
    free_shipping = coupon.kind == "free_shipping"
    body: dict[str, Any] = {
        "code": coupon.code.lower(),  # WooCommerce stores codes lower-case
        "discount_type": DISCOUNT_TYPES[coupon.kind],
        "amount": "0" if free_shipping else str(coupon.value),
        "free_shipping": free_shipping,
        "individual_use": False,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "description": coupon.title,
    }
    if coupon.email:
        body["email_restrictions"] = [coupon.email]
    if coupon.ends_at is not None:
        body["date_expires_gmt"] = _gmt(coupon.ends_at)  # GMT: independent of the site's timezone
    if coupon.minimum_order is not None:
        body["minimum_amount"] = str(coupon.minimum_order)
    return body


def _auth(shop: ShopCredentials, base: str) -> AuthBase | tuple[str, str]:
    if not shop.consumer_key or not shop.consumer_secret:
        raise PlatformNotConnected("No WooCommerce API keys for this shop")
    if base.startswith("https://"):
        return (shop.consumer_key, shop.consumer_secret)
    return OAuth1(shop.consumer_key, shop.consumer_secret)


def _shop_url(domain: str) -> str:
    url = domain if "://" in domain else f"https://{domain}"
    return url.rstrip("/")


def _gmt(moment: datetime) -> str:
    """WooCommerce `*_gmt` fields and `dates_are_gmt` filters: UTC without an offset."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


def _encode(text: str) -> str:
    """PHP `rawurlencode`: everything but unreserved characters."""
    return quote(text, safe="~")
