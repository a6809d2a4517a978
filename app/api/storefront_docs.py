"""OpenAPI descriptions of the storefront's signed App Proxy API: its query parameters and its answers."""

from __future__ import annotations

from typing import Any

_OBJECT: dict[str, Any] = {"type": "object"}
_NULLABLE_OBJECT: dict[str, Any] = {"type": "object", "nullable": True}

SIGNED_PARAMETERS: list[dict[str, Any]] = [
    {"name": "shop", "in": "query", "required": True, "schema": {"type": "string"},
     "description": "The shop's domain (Shopify: `{name}.myshopify.com`; WooCommerce: its URL)."},
    {"name": "timestamp", "in": "query", "required": True, "schema": {"type": "string"},
     "description": "Unix time of the request; older than 90 seconds is refused."},
    {"name": "signature", "in": "query", "required": True, "schema": {"type": "string"},
     "description": "Hex HMAC-SHA256 of the other parameters, sorted and joined (Shopify's App Proxy scheme)."},
    {"name": "path_prefix", "in": "query", "required": False, "schema": {"type": "string"}},
    {"name": "logged_in_customer_id", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "The signed-in shopper's customer id; empty for guests."},
    {"name": "locale", "in": "query", "required": False, "schema": {"type": "string", "enum": ["de", "en"]}},
    {"name": "account_url", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "WooCommerce: the shop's My Account page (`wc_get_page_permalink('myaccount')`); the widget's "
                    "login and sign-up links go to its path on the shop's own site."},
]

COUPON: dict[str, Any] = {
    "type": "object",
    "required": ["id", "code", "status", "label", "value_label", "ends_at", "minimum_order"],
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string", "nullable": True, "description": "null until the shop has the code (active)"},
        "status": {"type": "string", "enum": ["active", "reserved", "pending_push"]},
        "label": {"type": "string", "description": "what it is: the reward's name, a campaign's title, or why given"},
        "value_label": {"type": "string", "nullable": True, "description": "what it is worth (\"5,00 € Rabatt\")"},
        "ends_at": {"type": "string", "format": "date-time", "nullable": True},
        "minimum_order": {"type": "string", "nullable": True, "description": "decimal amount in the shop's currency"},
    },
}

CUSTOMER_ANSWER: dict[str, Any] = {
    "type": "object",
    "required": ["shop", "member", "tier", "program", "rewards", "coupons", "history"],
    "properties": {
        "shop": {"type": "object", "properties": {
            "name": {"type": "string"}, "currency": {"type": "string"}, "locale": {"type": "string"}}},
        "member": {**_NULLABLE_OBJECT, "description": "null for guests", "properties": {
            "first_name": {"type": "string", "nullable": True}, "balance": {"type": "integer"},
            "pending": {"type": "integer"}, "spendable": {"type": "integer"},
            "referral_code": {"type": "string", "nullable": True},
            "referral_url": {"type": "string", "nullable": True},
            "birthday": {"type": "string", "format": "date", "nullable": True},
            "newsletter": {"type": "boolean"}}},
        "tier": {**_NULLABLE_OBJECT, "description": "current tier, the next one and the progress towards it"},
        "program": {**_OBJECT, "description": "points label, point value, ways to earn, tiers, sign-up links, "
                                              "what a referred friend gets"},
        "rewards": {"type": "array", "items": {**_OBJECT, "properties": {
            "id": {"type": "integer"}, "points_cost": {"type": "integer"}, "affordable": {"type": "boolean"}}}},
        "coupons": {"type": "array", "maxItems": 10, "items": COUPON, "description": (
            "the shopper's own codes they can use (active) or wait for (reserved, pending_push: the code comes by "
            "email), newest first; empty for guests")},
        "expiring": {"type": "array", "items": _OBJECT, "nullable": True},
        "history": {"type": "array", "items": _OBJECT},
    },
}

REDEEM_ANSWER: dict[str, Any] = {
    "type": "object",
    "required": ["code", "status", "balance", "reward"],
    "properties": {
        "code": {"type": "string", "description": "the single-use discount code"},
        "status": {"type": "string", "description": "active | pending_push (the shop is slow: sent shortly)"},
        "balance": {"type": "integer"},
        "ends_at": {"type": "string", "format": "date-time", "nullable": True},
        "reward": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    },
}


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SIGNED_ERRORS: dict[str, Any] = {
    "401": _error("missing, wrong or outdated signature; or a guest where a signed-in shopper is needed"),
    "429": _error("too many requests from this shopper or address (Retry-After says when to try again)"),
}


def read_doc() -> dict[str, Any]:
    """The `@blp.doc` of GET /proxy/customer."""
    return {"parameters": SIGNED_PARAMETERS, "responses": {
        "200": {"description": "the shopper's (or a guest's) picture",
                "content": {"application/json": {"schema": CUSTOMER_ANSWER}}},
        "304": {"description": "not modified (If-None-Match matched the ETag)"},
        **SIGNED_ERRORS,
    }}


def redeem_doc() -> dict[str, Any]:
    """The `@blp.doc` of POST /proxy/redeem."""
    return {"parameters": SIGNED_PARAMETERS, "responses": {
        "201": {"description": "the coupon", "content": {"application/json": {"schema": REDEEM_ANSWER}}},
        "409": _error("not enough points"),
        "422": _error("unknown or inactive reward"),
        **SIGNED_ERRORS,
    }}


def write_doc() -> dict[str, Any]:
    """The `@blp.doc` of the other signed writes (birthday, newsletter)."""
    return {"parameters": SIGNED_PARAMETERS, "responses": {
        "200": {"description": "the refreshed picture", "content": {"application/json": {"schema": CUSTOMER_ANSWER}}},
        **SIGNED_ERRORS,
    }}
