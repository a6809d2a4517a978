"""Shopify Admin API client: customer-bound discount codes, marketing consent and webhooks (GraphQL), order
sync (REST)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import requests

from app.domain.errors import MissingScope, PlatformNotConnected, PlatformRejected, PlatformUnavailable
from app.domain.snapshots import OrderSnapshot
from app.platforms.base import CouponSpec, PushedCoupon, ShopCredentials, ShopDetails
from app.platforms.http import DEFAULT_TIMEOUT, Timeout, call, json_object
from app.platforms.shopify.pacing import CALL_LIMIT_HEADER, pause_before_next_call
from app.platforms.shopify.parse import parse_order

__all__ = ["ShopifyAdminClient"]

USER_ERRORS = "userErrors { field code message }"
CREATE_BASIC = (
    "mutation discountCodeBasicCreate($d: DiscountCodeBasicInput!) {"
    " discountCodeBasicCreate(basicCodeDiscount: $d)"
    f" {{ codeDiscountNode {{ id }} {USER_ERRORS} }} }}"
)
CREATE_FREE_SHIPPING = (
    "mutation discountCodeFreeShippingCreate($d: DiscountCodeFreeShippingInput!) {"
    " discountCodeFreeShippingCreate(freeShippingCodeDiscount: $d)"
    f" {{ codeDiscountNode {{ id }} {USER_ERRORS} }} }}"
)
FIND_BY_CODE = "query codeDiscountNodeByCode($code: String!) { codeDiscountNodeByCode(code: $code) { id } }"
DEACTIVATE = (
    "mutation discountCodeDeactivate($id: ID!) { discountCodeDeactivate(id: $id)"
    f" {{ codeDiscountNode {{ id }} {USER_ERRORS} }} }}"
)
CREATE_WEBHOOK = (
    "mutation webhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {"
    " webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub)"
    " { webhookSubscription { id } userErrors { field message } } }"
)
MARKETING_CONSENT = (
    "mutation customerEmailMarketingConsentUpdate($input: CustomerEmailMarketingConsentUpdateInput!) {"
    " customerEmailMarketingConsentUpdate(input: $input)"
    f" {{ customer {{ id }} {USER_ERRORS} }} }}"
)
ORDERS_PAGE_SIZE = 250  # REST maximum
CODE_TAKEN = "TAKEN"
DEFAULT_THROTTLE_WAIT = 1.0


class ShopifyAdminClient:
    """`PlatformClient` for Shopify. `api_base` is a format string so tests can point it at a fake server."""

    def __init__(
        self,
        api_base: str = "https://{shop}",
        api_version: str = "2025-10",
        timeout: Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 2.0,
        session: requests.Session | None = None,
        page_size: int = ORDERS_PAGE_SIZE,
    ) -> None:
        self.api_base = api_base
        self.page_size = page_size
        self.api_version = api_version
        self.timeout = timeout
        self.sleep = sleep
        self.max_wait = max_wait
        self.session = session or requests.Session()

    def create_coupon(self, shop: ShopCredentials, coupon: CouponSpec) -> PushedCoupon:
        """Create a single-use code for one customer; a code that exists already (a retry) is returned."""
        if coupon.kind == "free_shipping":
            query, field, data_input = (
                CREATE_FREE_SHIPPING,
                "discountCodeFreeShippingCreate",
                _shipping(coupon),
            )
        else:
            query, field, data_input = CREATE_BASIC, "discountCodeBasicCreate", _basic(coupon)
        result = self._graphql(shop, query, {"d": data_input})[field]
        errors = result.get("userErrors") or []
        if any(_is_taken(error) for error in errors):
            found = self.find_coupon(shop, coupon.code)
            if found is None:
                raise PlatformRejected(f"Shopify says the code {coupon.code!r} is taken, but it cannot be found")
            return PushedCoupon(platform_ref=found)
        _raise_user_errors(field, errors)
        return PushedCoupon(platform_ref=str(result["codeDiscountNode"]["id"]))

    def deactivate_coupon(self, shop: ShopCredentials, platform_ref: str) -> None:
        """Deactivate the code discount (it stays visible to the merchant, expired)."""
        result = self._graphql(shop, DEACTIVATE, {"id": platform_ref})["discountCodeDeactivate"]
        _raise_user_errors("discountCodeDeactivate", result.get("userErrors") or [])

    def orders_changed_since(self, shop: ShopCredentials, since: datetime) -> Iterator[OrderSnapshot]:
        """Every order updated at or after `since`, oldest first, following the REST `Link` pagination."""
        base = self._base(shop)
        url: str | None = f"{base}/orders.json"
        params: dict[str, Any] | None = {
            "status": "any",
            "updated_at_min": _iso(since),
            "limit": self.page_size,
            "order": "updated_at asc",
        }
        while url is not None:
            response = self._rest(shop, url, params)
            for payload in json_object(response).get("orders", []):
                yield parse_order(payload)
            url, params = _next_page(response, base), None  # the cursor URL carries every parameter
            if url is not None and (pause := pause_before_next_call(response.headers.get(CALL_LIMIT_HEADER))):
                self.sleep(pause)

    def register_webhooks(self, shop: ShopCredentials, topics: Mapping[str, str], secret: str | None) -> None:
        """Subscribe every topic; Shopify signs with the app secret, so `secret` is not used here."""
        for topic, callback_url in topics.items():
            variables = {
                "topic": topic.upper().replace("/", "_"),
                "sub": {"callbackUrl": callback_url, "format": "JSON"},
            }
            result = self._graphql(shop, CREATE_WEBHOOK, variables)["webhookSubscriptionCreate"]
            errors = [e for e in result.get("userErrors") or [] if "taken" not in str(e.get("message")).lower()]
            _raise_user_errors("webhookSubscriptionCreate", errors)

    def shop_details(self, shop: ShopCredentials) -> ShopDetails:
        """Name, currency and primary locale from `GET shop.json` (needs no scope beyond the install)."""
        fields = {"fields": "name,currency,primary_locale"}
        found = json_object(self._rest(shop, f"{self._base(shop)}/shop.json", fields))
        record = found.get("shop")
        if not isinstance(record, dict):
            raise PlatformUnavailable("Shopify answered shop.json without a shop")
        locale = record.get("primary_locale")
        return ShopDetails(
            name=str(record.get("name") or ""),
            currency=str(record.get("currency") or ""),
            locale=str(locale) if locale else None,
        )

    def record_marketing_consent(self, shop: ShopCredentials, customer_ref: str, consented_at: datetime) -> None:
        """`customerEmailMarketingConsentUpdate` to SUBSCRIBED, single opt-in (needs `write_customers`)."""
        consent = {"marketingState": "SUBSCRIBED", "marketingOptInLevel": "SINGLE_OPT_IN",
                   "consentUpdatedAt": _iso(consented_at)}
        variables = {"input": {"customerId": _customer_gid(customer_ref), "emailMarketingConsent": consent}}
        result = self._graphql(shop, MARKETING_CONSENT, variables)["customerEmailMarketingConsentUpdate"]
        _raise_user_errors("customerEmailMarketingConsentUpdate", result.get("userErrors") or [])

    def find_coupon(self, shop: ShopCredentials, code: str) -> str | None:
        """The code discount's GID by `codeDiscountNodeByCode`, or None."""
        node = self._graphql(shop, FIND_BY_CODE, {"code": code}).get("codeDiscountNodeByCode")
        return str(node["id"]) if node else None

    def _graphql(self, shop: ShopCredentials, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = call(
            self.session,
            "POST",
            f"{self._base(shop)}/graphql.json",
            json={"query": query, "variables": variables},
            headers=self._headers(shop),
            timeout=self.timeout,
            max_wait=self.max_wait,
            sleep=self.sleep,
        )
        body = json_object(response)  # a maintenance page or a proxy's text is a transient failure, not a crash
        if body.get("errors"):
            _raise_graphql_errors(body)
        data = body.get("data")
        if not isinstance(data, dict):
            raise PlatformUnavailable("Shopify GraphQL answered without data")
        return data

    def _rest(self, shop: ShopCredentials, url: str, params: dict[str, Any] | None) -> requests.Response:
        return call(
            self.session,
            "GET",
            url,
            params=params,
            headers=self._headers(shop),
            timeout=self.timeout,
            max_wait=self.max_wait,
            sleep=self.sleep,
        )

    def _base(self, shop: ShopCredentials) -> str:
        return f"{self.api_base.format(shop=shop.domain).rstrip('/')}/admin/api/{self.api_version}"

    @staticmethod
    def _headers(shop: ShopCredentials) -> dict[str, str]:
        if not shop.access_token:
            raise PlatformNotConnected("No Shopify access token for this shop")
        return {"X-Shopify-Access-Token": shop.access_token, "Accept": "application/json"}


def _common(coupon: CouponSpec) -> dict[str, Any]:
    """Fields shared by basic and free-shipping code discounts."""
    fields: dict[str, Any] = {
        "title": coupon.title,
        "code": coupon.code,
        "startsAt": _iso(coupon.starts_at),
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
    }
    if coupon.ends_at is not None:
        fields["endsAt"] = _iso(coupon.ends_at)
    if coupon.customer_ref:
        fields["context"] = {"customers": {"add": [_customer_gid(coupon.customer_ref)]}}  # API 2025-10+
    if coupon.minimum_order is not None:
        fields["minimumRequirement"] = {"subtotal": {"greaterThanOrEqualToSubtotal": str(coupon.minimum_order)}}
    return fields


def _basic(coupon: CouponSpec) -> dict[str, Any]:
    if coupon.kind == "fixed_amount":
        value: dict[str, Any] = {"discountAmount": {"amount": str(coupon.value), "appliesOnEachItem": False}}
    elif coupon.kind == "percentage":
        value = {"percentage": float(coupon.value / 100)}  # Shopify takes a 0–1 fraction
    else:
        raise PlatformRejected(f"Unknown coupon kind {coupon.kind!r}")
    return {**_common(coupon), "customerGets": {"value": value, "items": {"all": True}}}


def _shipping(coupon: CouponSpec) -> dict[str, Any]:
    return {**_common(coupon), "destination": {"all": True}}


def _customer_gid(ref: str) -> str:
    return ref if ref.startswith("gid://") else f"gid://shopify/Customer/{ref}"


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _is_taken(error: Mapping[str, Any]) -> bool:
    """A retry after a lost response: the code exists already (Shopify codes are unique per shop)."""
    field = error.get("field") or []
    if field and field[-1] != "code":
        return False
    message = str(error.get("message") or "").lower()
    return error.get("code") == CODE_TAKEN or "must be unique" in message or "already been taken" in message


def _raise_user_errors(operation: str, errors: list[dict[str, Any]]) -> None:
    if errors:
        message = "; ".join(f"{'.'.join(e.get('field') or [])}: {e.get('message')}" for e in errors)
        raise PlatformRejected(f"Shopify {operation}: {message}", user_errors=errors)


def _raise_graphql_errors(body: Mapping[str, Any]) -> None:
    errors = body["errors"]
    if not isinstance(errors, list):
        raise PlatformRejected(f"Shopify GraphQL errors: {errors}")
    codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
    if "THROTTLED" in codes:
        raise PlatformUnavailable("Shopify GraphQL throttled", retry_after=_throttle_wait(body))
    text = "; ".join(str(e.get("message") if isinstance(e, dict) else e) for e in errors)
    if "ACCESS_DENIED" in codes:
        raise MissingScope(f"Shopify: {text}")
    raise PlatformRejected(f"Shopify GraphQL errors: {text}")


def _throttle_wait(body: Mapping[str, Any]) -> float:
    """Seconds until the leaky bucket holds the query's cost again (extensions.cost.throttleStatus)."""
    try:
        cost = body["extensions"]["cost"]
        status = cost["throttleStatus"]
        missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return round(max(missing, 0.0) / float(status["restoreRate"]), 2) or DEFAULT_THROTTLE_WAIT
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return DEFAULT_THROTTLE_WAIT


def _next_page(response: requests.Response, base: str) -> str | None:
    """The `rel="next"` cursor URL, only if it stays on this shop's API (the token goes with it)."""
    url = response.links.get("next", {}).get("url")
    if url is None:
        return None
    if not url.startswith(f"{base}/"):
        raise PlatformRejected(f"Shopify pagination left the shop's API: {url.split('?', 1)[0]}")
    return str(url)
