"""A fake WooCommerce shop: REST v3 coupons, orders, order refunds and webhooks behind Basic or OAuth 1.0a auth."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from app.platforms.base import ShopCredentials
from tests.fakes.http_server import FakeServer, json_response

API = "/wp-json/wc/v3/"
ITEM = re.compile(r"^(?P<resource>coupons|webhooks)/(?P<id>\d+)$")
ORDER_REFUNDS = re.compile(r"^orders/(?P<id>\d+)/refunds$")
DISCOUNT_TYPES = frozenset({"percent", "fixed_cart", "fixed_product"})
TOPICS = frozenset(
    {
        "order.created",
        "order.updated",
        "order.deleted",
        "order.restored",
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "coupon.created",
        "coupon.updated",
    }
)
TIMESTAMP_WINDOW = 15 * 60


def wc_error(code: str, message: str, status: int) -> Response:
    """WP REST's error shape."""
    return json_response({"code": code, "message": message, "data": {"status": status}}, status)


def woocommerce_order(order_id: int, modified_gmt: str, **overrides: Any) -> dict[str, Any]:
    """A small but realistic `GET /orders/{id}` body (PLATFORMS §4.5) for seeding the fake."""
    order = {
        "id": order_id,
        "parent_id": 0,
        "number": str(order_id),
        "order_key": f"wc_order_{order_id}",
        "status": "processing",
        "currency": "EUR",
        "prices_include_tax": True,
        "date_created": modified_gmt,
        "date_created_gmt": modified_gmt,
        "date_modified": modified_gmt,
        "date_modified_gmt": modified_gmt,
        "date_paid": modified_gmt,
        "date_paid_gmt": modified_gmt,
        "date_completed": None,
        "date_completed_gmt": None,
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "4.16",
        "shipping_tax": "0.79",
        "cart_tax": "8.77",
        "total": "59.90",
        "total_tax": "9.56",
        "customer_id": 12,
        "billing": {"first_name": "Ada", "last_name": "Weiss", "email": f"shopper{order_id}@example.de"},
        "shipping": {
            "first_name": "Ada",
            "last_name": "Weiss",
            "address_1": "Hauptstr. 1",
            "city": "Berlin",
            "postcode": "10115",
            "country": "DE",
        },
        "line_items": [
            {
                "id": 900 + order_id,
                "name": "Tea",
                "product_id": 1,
                "variation_id": 0,
                "quantity": 1,
                "subtotal": "46.18",
                "subtotal_tax": "8.77",
                "total": "46.18",
                "total_tax": "8.77",
                "sku": "TEA-1",
                "price": 46.18,
            }
        ],
        "coupon_lines": [],
        "refunds": [],
        "meta_data": [],
    }
    return order | overrides


def woocommerce_refund(
    refund_id: int, amount: str, *, lines: tuple[tuple[int, int, str, str], ...] = (),
    shipping: tuple[str, str] | None = None, created_gmt: str = "2026-03-02T10:00:00",
) -> dict[str, Any]:
    """A `GET orders/{id}/refunds` entry as WooCommerce stores it: `amount` positive, the refunded lines with
    negative quantities and amounts. `lines`: (line item id, quantity, total, total tax), positive here;
    `shipping`: (total, total tax)."""
    line_items = [
        {"id": 5000 + n, "name": "Refunded item", "product_id": 1, "variation_id": 0, "quantity": -quantity,
         "tax_class": "", "subtotal": f"-{total}", "subtotal_tax": f"-{tax}", "total": f"-{total}",
         "total_tax": f"-{tax}", "taxes": [{"id": 1, "total": f"-{tax}", "subtotal": f"-{tax}"}],
         "meta_data": [{"key": "_refunded_item_id", "value": str(item_id)}], "sku": "", "price": 0}
        for n, (item_id, quantity, total, tax) in enumerate(lines)
    ]
    shipping_lines = [] if shipping is None else [
        {"id": 6000, "method_title": "Versand", "method_id": "flat_rate", "total": f"-{shipping[0]}",
         "total_tax": f"-{shipping[1]}", "taxes": [{"id": 1, "total": f"-{shipping[1]}"}], "meta_data": []}
    ]
    return {
        "id": refund_id, "date_created": created_gmt, "date_created_gmt": created_gmt, "amount": amount,
        "reason": "", "refunded_by": 1, "refunded_payment": False, "meta_data": [], "line_items": line_items,
        "shipping_lines": shipping_lines, "tax_lines": [], "fee_lines": [],
    }


class FakeWooCommerce(FakeServer):
    """One shop's REST API. `coupons` and `webhooks` map id → record; seed `orders` and `refunds`
    (order id → its refund objects, newest first as WooCommerce lists them)."""

    def __init__(self, consumer_key: str = "ck_fake", consumer_secret: str = "cs_fake") -> None:
        super().__init__()
        self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
        self.accept_basic = False  # as over HTTP: WooCommerce only reads Basic auth when is_ssl()
        self.drops_authorization = False  # with `tls`: the server does not pass the Authorization header on
        self.coupons: dict[int, dict[str, Any]] = {}
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.orders: list[dict[str, Any]] = []
        self.refunds: dict[int, list[dict[str, Any]]] = {}
        self._nonces: set[str] = set()
        self._next_id = 100
        self.site_name = "Teeladen am Markt"  # WordPress Settings → General → Site Title
        self.currency = "EUR"  # WooCommerce → Settings → General → Currency
        self.home: str | None = None  # WordPress's home URL (Settings → General → Site Address), else `url`
        self.moved_to = ""  # a base URL: the API answers 301 to it

    @property
    def credentials(self) -> ShopCredentials:
        """Credentials that this fake accepts; the domain is the shop's base URL."""
        return ShopCredentials(
            platform="woocommerce",
            domain=self.url,
            consumer_key=self.consumer_key,
            consumer_secret=self.consumer_secret,
        )

    def coupon(self, code: str) -> dict[str, Any] | None:
        """The stored coupon with this code (codes are lower-case)."""
        return next((c for c in self.coupons.values() if c["code"] == code.lower()), None)

    def coupon_is_usable(self, code: str) -> bool:
        """Not expired (WooCommerce's `validate_coupon_expiry_date`)."""
        coupon = self.coupon(code)
        expires = coupon and coupon.get("date_expires_gmt")
        return bool(coupon) and (not expires or datetime.fromisoformat(expires) > _utcnow())

    def handle(self, request: Request) -> Response:
        """Authenticate, then route like the WP REST server."""
        if request.path == "/wp-json/" and request.method == "GET":
            return self._index(request)
        if not request.path.startswith(API):
            return wc_error("rest_no_route", "No route was found matching the URL and request method.", 404)
        if self.moved_to:  # a web server sending every request to the site's other name (www., https)
            return Response(status=301, headers={"Location": f"{self.moved_to}{request.full_path}"})
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        route = request.path[len(API) :]
        item = ITEM.match(route)
        if item and request.method == "PUT":
            return self._update(item["resource"], int(item["id"]), request.get_json(silent=True) or {})
        refunds_of = ORDER_REFUNDS.match(route)
        if refunds_of and request.method == "GET":
            return self._list_refunds(request, int(refunds_of["id"]))
        handlers = {
            ("coupons", "POST"): self._create_coupon,
            ("coupons", "GET"): self._list_coupons,
            ("orders", "GET"): self._list_orders,
            ("webhooks", "GET"): self._list_webhooks,
            ("webhooks", "POST"): self._create_webhook,
            ("data/currencies/current", "GET"): self._current_currency,
        }
        handler = handlers.get((route, request.method))
        if handler is None:
            return wc_error("rest_no_route", "No route was found matching the URL and request method.", 404)
        return handler(request)

    def _index(self, request: Request) -> Response:
        # The public WP REST index; `_fields` keeps only the listed top-level keys, as WordPress does.
        index = {"name": self.site_name, "description": "", "url": self.url, "home": self.home or self.url,
                 "namespaces": ["wc/v3"]}
        wanted = [f for f in request.args.get("_fields", "").split(",") if f]
        return json_response({k: v for k, v in index.items() if not wanted or k in wanted})

    def _current_currency(self, _request: Request) -> Response:
        symbols = {"EUR": "&euro;", "CHF": "&#67;&#72;&#70;", "USD": "&#36;"}
        return json_response({"code": self.currency, "name": self.currency, "symbol": symbols.get(self.currency, "")})

    def _authenticate(self, request: Request) -> Response | None:
        if self.tls:
            return self._check_keys(request)
        auth = request.authorization
        if self.accept_basic and auth is not None and auth.type == "basic":
            ok = (auth.username, auth.password) == (self.consumer_key, self.consumer_secret)
            return (
                None
                if ok
                else wc_error("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
            )
        return self._check_oauth(request)

    def _check_keys(self, request: Request) -> Response | None:
        """Over HTTPS (`perform_basic_authentication`): the keys as query parameters first, else Basic auth; with
        `drops_authorization` the server (PHP as CGI) never hands the Authorization header to WordPress."""
        auth = None if self.drops_authorization else request.authorization
        keys = (request.args.get("consumer_key"), request.args.get("consumer_secret"))
        if not all(keys) and auth is not None and auth.type == "basic":
            keys = (auth.username, auth.password)
        if not all(keys):  # no keys seen: an anonymous request, refused by the endpoint's permission check
            return wc_error("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
        if keys != (self.consumer_key, self.consumer_secret):
            return wc_error("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
        return None

    def _check_oauth(self, request: Request) -> Response | None:
        """`WC_REST_Authentication::check_oauth_signature`, written independently of the client."""
        params = request.args.to_dict()
        if params.get("oauth_consumer_key") != self.consumer_key:
            return wc_error("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)
        if abs(time.time() - int(params.get("oauth_timestamp", "0"))) > TIMESTAMP_WINDOW:
            return wc_error("woocommerce_rest_authentication_error", "Invalid timestamp.", 401)
        nonce = params.get("oauth_nonce", "")
        if not nonce or nonce in self._nonces:
            return wc_error(
                "woocommerce_rest_authentication_error", "Invalid nonce - nonce has already been used.", 401
            )
        given = params.pop("oauth_signature", "")
        if params.get("oauth_signature_method") != "HMAC-SHA256" or not hmac.compare_digest(
            given, self._signature(request.method, request.base_url, params)
        ):
            return wc_error(
                "woocommerce_rest_authentication_error",
                "Invalid signature - provided signature does not match.",
                401,
            )
        self._nonces.add(nonce)
        return None

    def _signature(self, method: str, base_url: str, params: dict[str, str]) -> str:
        def raw(text: str) -> str:
            return quote(text, safe="-_.~")

        joined = "%26".join(f"{raw(k)}%3D{raw(params[k])}" for k in sorted(params))
        message = f"{method}&{raw(base_url)}&{joined}"
        digest = hmac.new(f"{self.consumer_secret}&".encode(), message.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def _create_coupon(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        code = str(body.get("code") or "").strip().lower()
        if not code:
            return wc_error("rest_missing_callback_param", "Missing parameter(s): code", 400)
        if body.get("discount_type", "fixed_cart") not in DISCOUNT_TYPES:
            return wc_error("rest_invalid_param", "Invalid parameter(s): discount_type", 400)
        if not re.fullmatch(r"\d+(\.\d+)?", str(body.get("amount", "0"))):
            return wc_error("rest_invalid_param", "Invalid parameter(s): amount", 400)
        if not all("@" in str(e) for e in body.get("email_restrictions", [])):
            return wc_error("rest_invalid_param", "Invalid parameter(s): email_restrictions", 400)
        if self.coupon(code) is not None:
            return wc_error(
                "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", 400
            )
        coupon = {
            "usage_count": 0,
            "used_by": [],
            "date_expires_gmt": None,
            **body,
            "id": self._new_id(),
            "code": code,
        }
        self.coupons[coupon["id"]] = coupon
        return json_response(coupon, 201)

    def _list_coupons(self, request: Request) -> Response:
        code = request.args.get("code")
        found = [c for c in self.coupons.values() if code is None or c["code"] == code.lower()]
        return self._paginated(request, found)

    def _update(self, resource: str, item_id: int, body: dict[str, Any]) -> Response:
        store = self.coupons if resource == "coupons" else self.webhooks
        if item_id not in store:
            singular = "shop_coupon" if resource == "coupons" else "webhook"
            return wc_error(f"woocommerce_rest_{singular}_invalid_id", "Invalid ID.", 404)
        store[item_id].update({k: v for k, v in body.items() if k not in {"id", "code"}})
        return json_response(store[item_id])

    def _list_orders(self, request: Request) -> Response:
        after = request.args.get("modified_after")
        if after is not None and request.args.get("dates_are_gmt") != "true":
            return wc_error("fake_needs_gmt", "This fake only filters GMT dates (dates_are_gmt=true)", 400)
        found = [o for o in self.orders if after is None or o["date_modified_gmt"] > after]  # strictly after
        if request.args.get("orderby") == "modified":
            found.sort(
                key=lambda o: (o["date_modified_gmt"], o["id"]), reverse=request.args.get("order") == "desc"
            )
        return self._paginated(request, found)

    def _list_refunds(self, request: Request, order_id: int) -> Response:
        known = order_id in self.refunds or any(o["id"] == order_id for o in self.orders)
        if not known:
            return wc_error("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404)
        return self._paginated(request, list(self.refunds.get(order_id, [])))

    def _list_webhooks(self, request: Request) -> Response:
        return self._paginated(request, list(self.webhooks.values()))

    def _create_webhook(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("topic") not in TOPICS:
            return wc_error("rest_invalid_param", "Invalid parameter(s): topic", 400)
        if not re.match(r"^https?://", str(body.get("delivery_url", ""))):
            return wc_error("rest_invalid_param", "Invalid parameter(s): delivery_url", 400)
        hook = {"status": "active", "secret": "generated", **body, "id": self._new_id()}
        self.webhooks[hook["id"]] = hook
        return json_response(hook, 201)

    def _paginated(self, request: Request, items: list[dict[str, Any]]) -> Response:
        per_page, page = int(request.args.get("per_page", 10)), int(request.args.get("page", 1))
        if not 1 <= per_page <= 100:
            return wc_error("rest_invalid_param", "Invalid parameter(s): per_page", 400)
        pages = math.ceil(len(items) / per_page)
        if page > max(pages, 1):
            return wc_error(
                "rest_post_invalid_page_number",
                "The page number requested is larger than the number of pages available.",
                400,
            )
        chunk = items[(page - 1) * per_page : page * per_page]
        return json_response(chunk, headers={"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)})

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
