"""A fake Shopify shop: OAuth token endpoint, GraphQL discounts and webhooks, REST orders with Link pages, and
the REST leaky bucket (`X-Shopify-Shop-Api-Call-Limit`, 429 with Retry-After when full)."""

from __future__ import annotations

import base64
import json
import math
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from app.platforms.base import ShopCredentials
from tests.fakes.http_server import FakeServer, json_response
from tests.fakes.shopify_graphql import (
    COST,
    WEBHOOK_TOPICS,
    AccessDenied,
    GraphQLError,
    argument,
    user_error,
    validate_discount,
    validate_marketing_consent,
)

API_PATH = re.compile(r"^/admin/api/(?P<version>\d{4}-\d{2})/(?P<resource>graphql|orders|shop)\.json$")
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
REST_BUCKET = 40  # a standard plan's REST bucket; it leaks size / 20 calls per second (2/s)
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
CREATE_MUTATIONS = {
    "discountCodeBasicCreate": ("basicCodeDiscount", True),
    "discountCodeFreeShippingCreate": ("freeShippingCodeDiscount", False),
}


def shopify_order(order_id: int, updated_at: str, **overrides: Any) -> dict[str, Any]:
    """A small but realistic REST Order (PLATFORMS §1.6) for seeding the fake."""
    order = {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{1000 + order_id}",
        "order_number": 1000 + order_id,
        "email": f"shopper{order_id}@example.com",
        "created_at": updated_at,
        "updated_at": updated_at,
        "processed_at": updated_at,
        "currency": "EUR",
        "presentment_currency": "EUR",
        "taxes_included": True,
        "test": False,
        "financial_status": "paid",
        "fulfillment_status": None,
        "cancelled_at": None,
        "total_price": "59.90",
        "subtotal_price": "54.95",
        "total_tax": "9.56",
        "total_discounts": "0.00",
        "total_line_items_price": "54.95",
        "current_total_price": "59.90",
        "total_shipping_price_set": _money("4.95"),
        "discount_codes": [],
        "customer": {"id": 7000 + order_id, "email": f"shopper{order_id}@example.com", "first_name": "Ada"},
        "line_items": [
            {
                "id": 9000 + order_id,
                "product_id": 1,
                "variant_id": 2,
                "sku": "TEA-1",
                "title": "Tea",
                "name": "Tea",
                "quantity": 1,
                "price": "54.95",
                "total_discount": "0.00",
                "discount_allocations": [],
                "tax_lines": [{"price": "8.77", "rate": 0.19, "title": "VAT"}],
            }
        ],
        "shipping_lines": [
            {"title": "Standard", "price": "4.95", "discounted_price": "4.95", "tax_lines": []}
        ],
        "refunds": [],
    }
    return order | overrides


def _money(amount: str) -> dict[str, Any]:
    money = {"amount": amount, "currency_code": "EUR"}
    return {"shop_money": money, "presentment_money": money}


class FakeShopify(FakeServer):
    """One shop's Admin API. `discounts` maps code → record; `webhooks` lists subscriptions; seed `orders`."""

    def __init__(
        self,
        shop: str = "loyal-test.myshopify.com",
        access_token: str = "shpat_fake_token",
        api_key: str = "fake-api-key",
        api_secret: str = "fake-api-secret",
        scope: str = "read_orders,write_discounts",
    ) -> None:
        super().__init__()
        self.shop, self.access_token, self.scope = shop, access_token, scope
        self.api_key, self.api_secret = api_key, api_secret
        self.codes: set[str] = set()  # authorization codes the next exchange may use (single use)
        self.discounts: dict[str, dict[str, Any]] = {}
        self.webhooks: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self.graphql_throttles = 0
        # customerEmailMarketingConsentUpdate: customer GID → the consent last set; ids of deleted customers
        self.marketing_consents: dict[str, dict[str, Any]] = {}
        self.deleted_customers: set[str] = set()
        self._next_id = 1
        # GET shop.json: what the merchant set in Settings → General and Languages
        self.details: dict[str, Any] = {"name": "Kaffeerösterei Müller", "currency": "EUR", "primary_locale": "de"}
        self.shop_outages = 0  # the next GET shop.json requests answer 503
        # The REST leaky bucket, on `rest_clock` (seconds; a test may drive it); `rest_throttled` counts 429s.
        self.rest_bucket = REST_BUCKET
        self.rest_clock: Callable[[], float] = time.monotonic
        self.rest_throttled = 0
        self._rest_level = 0.0
        self._rest_checked: float | None = None

    @property
    def api_base(self) -> str:
        """What to pass as `api_base` to the client and the OAuth helpers."""
        return self.url

    @property
    def credentials(self) -> ShopCredentials:
        """Credentials that this fake accepts."""
        return ShopCredentials(platform="shopify", domain=self.shop, access_token=self.access_token)

    def throttle_graphql(self, times: int = 1) -> None:
        """The next GraphQL requests answer 200 with a THROTTLED error (cost-based limit)."""
        with self.lock:
            self.graphql_throttles += times

    def handle(self, request: Request) -> Response:
        """Route one request like Shopify does."""
        if request.path == "/admin/oauth/access_token" and request.method == "POST":
            return self._access_token(request)
        match = API_PATH.match(request.path)
        if match is None:
            return json_response({"errors": "Not Found"}, 404)
        if request.headers.get("X-Shopify-Access-Token") != self.access_token:
            return json_response({"errors": "[API] Invalid API key or access token"}, 401)
        if match["resource"] in ("orders", "shop") and request.method == "GET":
            used = self._take_rest_call()
            if used is None:
                return json_response({"errors": THROTTLED}, 429, {"Retry-After": "2.0"})
            if match["resource"] == "orders":
                response = self._orders(request, match["version"])
            else:
                response = self._shop(request)
            response.headers["X-Shopify-Shop-Api-Call-Limit"] = f"{used}/{self.rest_bucket}"
            return response
        if match["resource"] == "graphql" and request.method == "POST":
            return self._graphql(request)
        return json_response({"errors": "Not Found"}, 404)

    def _take_rest_call(self) -> int | None:
        """One call into the bucket after it leaked since the last; None when it is full (429)."""
        now = self.rest_clock()
        if self._rest_checked is not None:
            leaked = (now - self._rest_checked) * self.rest_bucket / 20
            self._rest_level = max(0.0, self._rest_level - leaked)
        self._rest_checked = now
        if self._rest_level + 1 > self.rest_bucket:
            self.rest_throttled += 1
            return None
        self._rest_level += 1
        return math.ceil(self._rest_level)

    def _shop(self, request: Request) -> Response:
        with self.lock:
            if self.shop_outages:
                self.shop_outages -= 1
                return json_response({"errors": "Service Unavailable"}, 503)
        # REST `fields` trims the resource to the listed properties, as Shopify does.
        record = {"id": 548380009, "myshopify_domain": self.shop, "domain": self.shop, **self.details}
        wanted = [f for f in request.args.get("fields", "").split(",") if f]
        return json_response({"shop": {k: v for k, v in record.items() if not wanted or k in wanted}})

    def _access_token(self, request: Request) -> Response:
        body = request.get_json(silent=True) or request.form.to_dict()
        if body.get("client_id") != self.api_key or body.get("client_secret") != self.api_secret:
            return json_response({"error": "invalid_client", "error_description": "Wrong client"}, 400)
        if body.get("grant_type") == TOKEN_EXCHANGE:
            ok = bool(body.get("subject_token")) and body.get("subject_token_type", "").endswith("id_token")
        else:
            ok = body.get("code") in self.codes
            self.codes.discard(body.get("code"))
        if not ok:
            return json_response({"error": "invalid_request", "error_description": "Bad code or token"}, 400)
        return json_response({"access_token": self.access_token, "scope": self.scope})

    def _graphql(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        query, variables = str(body.get("query", "")), body.get("variables") or {}
        if self.graphql_throttles:
            self.graphql_throttles -= 1
            cost = {**COST, "throttleStatus": {**COST["throttleStatus"], "currentlyAvailable": 0}}
            errors = [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]
            return json_response({"errors": errors, "extensions": {"cost": cost}})
        try:
            data = self._resolve(query, variables)
        except AccessDenied as exc:
            error = {"message": str(exc), "extensions": {"code": "ACCESS_DENIED"}}
            return json_response({"errors": [error], "data": None, "extensions": {"cost": COST}})
        except GraphQLError as exc:
            return json_response({"errors": [{"message": str(exc)}], "extensions": {"cost": COST}})
        return json_response({"data": data, "extensions": {"cost": COST}})

    def _resolve(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        for field, (root, basic) in CREATE_MUTATIONS.items():
            if f"{field}(" in query:
                return {field: self._create_discount(root, argument(query, variables, root), basic)}
        if "codeDiscountNodeByCode(" in query:
            found = self._discount(str(argument(query, variables, "code")))
            return {"codeDiscountNodeByCode": {"id": found["id"]} if found else None}
        if "discountCodeDeactivate(" in query:
            return {"discountCodeDeactivate": self._deactivate(str(argument(query, variables, "id")))}
        if "customerEmailMarketingConsentUpdate(" in query:
            self._require_scope("write_customers", "customerEmailMarketingConsentUpdate")
            consent = validate_marketing_consent(argument(query, variables, "input"), self.deleted_customers)
            if consent["userErrors"]:
                return {"customerEmailMarketingConsentUpdate": {"customer": None, **consent}}
            customer_id = consent.pop("customer_id")
            self.marketing_consents[customer_id] = consent.pop("consent")
            return {"customerEmailMarketingConsentUpdate": {"customer": {"id": customer_id}, "userErrors": []}}
        if "webhookSubscriptionCreate(" in query:
            topic = argument(query, variables, "topic")
            return {
                "webhookSubscriptionCreate": self._subscribe(
                    topic, argument(query, variables, "webhookSubscription")
                )
            }
        raise GraphQLError("This fake does not know the requested field")

    def _require_scope(self, scope: str, field: str) -> None:
        if scope not in self.scope.split(","):
            raise AccessDenied(f"Access denied for {field} field. Required access: `{scope}` access scope.")

    def _create_discount(self, root: str, data: Any, basic: bool) -> dict[str, Any]:
        errors = validate_discount(root, data, basic=basic)
        if not errors and self._discount(data["code"]) is not None:
            errors = [
                user_error([root, "code"], "Code must be unique. Please try a different code.", "TAKEN")
            ]
        if errors:
            return {"codeDiscountNode": None, "userErrors": errors}
        record = {
            "id": f"gid://shopify/DiscountCodeNode/{self._new_id()}",
            "status": "ACTIVE",
            "kind": "basic" if basic else "free_shipping",
            "input": data,
        }
        self.discounts[data["code"]] = record
        return {"codeDiscountNode": {"id": record["id"]}, "userErrors": []}

    def _discount(self, code: str) -> dict[str, Any] | None:
        """Shopify codes are unique per shop, case-insensitively."""
        return next((d for c, d in self.discounts.items() if c.lower() == code.lower()), None)

    def _deactivate(self, discount_id: str) -> dict[str, Any]:
        for record in self.discounts.values():
            if record["id"] == discount_id:
                record["status"] = "EXPIRED"
                return {"codeDiscountNode": {"id": discount_id}, "userErrors": []}
        return {"codeDiscountNode": None, "userErrors": [user_error(["id"], "Discount does not exist")]}

    def _subscribe(self, topic: Any, subscription: Any) -> dict[str, Any]:
        url = (subscription or {}).get("callbackUrl")
        if topic not in WEBHOOK_TOPICS:
            raise GraphQLError(f"Variable $topic: {topic!r} is not a valid WebhookSubscriptionTopic")
        if not isinstance(url, str) or not re.match(r"^https?://", url):
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {"field": ["webhookSubscription", "callbackUrl"], "message": "Address is invalid"}
                ],
            }
        if any(w["topic"] == topic and w["callbackUrl"] == url for w in self.webhooks):
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address for this topic has already been taken",
                    }
                ],
            }
        hook = {
            "id": f"gid://shopify/WebhookSubscription/{self._new_id()}",
            "topic": topic,
            "callbackUrl": url,
            "format": subscription.get("format", "JSON"),
        }
        self.webhooks.append(hook)
        return {"webhookSubscription": {"id": hook["id"]}, "userErrors": []}

    def _orders(self, request: Request, version: str) -> Response:
        args = request.args
        limit = int(args.get("limit", 50))
        if not 1 <= limit <= 250:
            return json_response({"errors": {"limit": ["must be between 1 and 250"]}}, 400)
        if "page_info" in args:
            if set(args) - {"page_info", "limit", "fields"}:
                return json_response({"errors": {"page_info": ["only limit may accompany page_info"]}}, 400)
            filters = json.loads(base64.urlsafe_b64decode(args["page_info"]))
        else:
            filters = {"updated_at_min": args.get("updated_at_min"), "offset": 0}
        matching = self._matching_orders(filters["updated_at_min"])
        offset = filters["offset"]
        page = matching[offset : offset + limit]
        headers = {}
        if offset + limit < len(matching):
            cursor = base64.urlsafe_b64encode(
                json.dumps({**filters, "offset": offset + limit}).encode()
            ).decode()
            headers["Link"] = (
                f'<{self.url}/admin/api/{version}/orders.json?limit={limit}&page_info={cursor}>; rel="next"'
            )
        return json_response({"orders": page}, headers=headers)

    def _matching_orders(self, updated_at_min: str | None) -> list[dict[str, Any]]:
        def moment(value: str) -> datetime:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))

        found = [
            o
            for o in self.orders
            if updated_at_min is None or moment(o["updated_at"]) >= moment(updated_at_min)
        ]
        return sorted(found, key=lambda o: (moment(o["updated_at"]), o["id"]))

    def _new_id(self) -> int:
        self._next_id += 1
        return 1_000_000 + self._next_id
