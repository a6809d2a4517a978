"""The fake Shopify's GraphQL Admin API: discount codes and webhook subscriptions, with userErrors."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

CUSTOMER_GID = re.compile(r"^gid://shopify/Customer/\d+$")
WEBHOOK_TOPICS = frozenset(
    {
        "ORDERS_CREATE",
        "ORDERS_PAID",
        "ORDERS_UPDATED",
        "ORDERS_CANCELLED",
        "ORDERS_FULFILLED",
        "REFUNDS_CREATE",
        "CUSTOMERS_CREATE",
        "CUSTOMERS_UPDATE",
        "APP_UNINSTALLED",
    }
)
COST: dict[str, Any] = {
    "requestedQueryCost": 10,
    "actualQueryCost": 10,
    "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1990, "restoreRate": 100.0},
}


class GraphQLError(Exception):
    """A top-level `errors` entry (bad query or variables), as opposed to a mutation's userErrors."""


class AccessDenied(GraphQLError):
    """The app's token lacks the scope the field needs (a top-level error with code ACCESS_DENIED)."""


MARKETING_STATES = frozenset({"SUBSCRIBED", "UNSUBSCRIBED", "PENDING"})  # the only ones input accepts
OPT_IN_LEVELS = frozenset({"SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"})


def argument(query: str, variables: dict[str, Any], name: str) -> Any:
    """The value of argument `name`, which the query must pass as a `$variable`."""
    match = re.search(rf"\b{name}\s*:\s*\$(\w+)", query)
    if match is None or match.group(1) not in variables:
        raise GraphQLError(f"Argument '{name}' is missing or not passed as a variable")
    return variables[match.group(1)]


def user_error(field: list[str], message: str, code: str | None = "INVALID") -> dict[str, Any]:
    """One userError, shaped like Shopify's `DiscountUserError`."""
    return {"field": field, "message": message, "code": code}


def validate_discount(root: str, data: Any, *, basic: bool) -> list[dict[str, Any]]:
    """The checks Shopify makes on DiscountCodeBasicInput / DiscountCodeFreeShippingInput (a subset)."""
    if not isinstance(data, dict):
        raise GraphQLError(f"Variable for '{root}' must be an input object")
    if "customerSelection" in data:
        raise GraphQLError("customerSelection is not defined on the 2025-10 input; use context")
    errors = []
    if not str(data.get("code") or "").strip():
        errors.append(user_error([root, "code"], "Code can't be blank", "BLANK"))
    if not str(data.get("title") or "").strip():
        errors.append(user_error([root, "title"], "Title can't be blank", "BLANK"))
    if data.get("usageLimit") != 1:
        errors.append(user_error([root, "usageLimit"], "Loyalty codes must be single use (usageLimit 1)"))
    if data.get("appliesOncePerCustomer") is not True:
        errors.append(user_error([root, "appliesOncePerCustomer"], "Must apply once per customer"))
    errors += _dates(root, data)
    errors += _context(root, data.get("context"))
    if basic:
        errors += _customer_gets(root, data.get("customerGets"))
    return errors


def _dates(root: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    parsed = {}
    for key in ("startsAt", "endsAt"):
        if data.get(key) is None:
            continue
        try:
            parsed[key] = datetime.fromisoformat(str(data[key]).replace("Z", "+00:00"))
        except ValueError:
            return [user_error([root, key], f"{key} is not an ISO 8601 date-time")]
        if parsed[key].tzinfo is None:
            return [user_error([root, key], f"{key} needs a time zone")]
    if "startsAt" not in parsed:
        return [user_error([root, "startsAt"], "Starts at can't be blank", "BLANK")]
    if "endsAt" in parsed and parsed["endsAt"] <= parsed["startsAt"]:
        return [user_error([root, "endsAt"], "Ends at needs to be after starts_at", "INVALID")]
    return []


def _context(root: str, context: Any) -> list[dict[str, Any]]:
    if context is None:
        return []
    customers = ((context or {}).get("customers") or {}).get("add")
    if not isinstance(customers, list) or not customers:
        return [user_error([root, "context"], "context.customers.add must list customers")]
    if not all(isinstance(gid, str) and CUSTOMER_GID.match(gid) for gid in customers):
        return [user_error([root, "context", "customers", "add"], "Customer does not exist", "INVALID")]
    return []


def _customer_gets(root: str, gets: Any) -> list[dict[str, Any]]:
    value = (gets or {}).get("value") or {}
    where = [root, "customerGets", "value"]
    if (gets or {}).get("items") != {"all": True}:
        return [user_error([root, "customerGets", "items"], "Items must be given")]
    if "percentage" in value:
        ok = isinstance(value["percentage"], int | float) and 0 < value["percentage"] <= 1
        return [] if ok else [user_error([*where, "percentage"], "Percentage must be between 0 and 1")]
    amount = value.get("discountAmount") or {}
    try:
        ok = float(amount.get("amount", "")) > 0 and amount.get("appliesOnEachItem") is False
    except (TypeError, ValueError):
        ok = False
    return [] if ok else [user_error([*where, "discountAmount"], "A positive amount is required")]


def validate_marketing_consent(data: Any, deleted: set[str]) -> dict[str, Any]:
    """CustomerEmailMarketingConsentUpdateInput checked as Shopify does: enums are top-level errors, an unknown
    customer or a bad date a userError. Answers {"userErrors": [...]} or the customer id and consent to keep."""
    if not isinstance(data, dict) or not isinstance(data.get("emailMarketingConsent"), dict):
        raise GraphQLError("Variable $input: emailMarketingConsent is required")
    consent = data["emailMarketingConsent"]
    if consent.get("marketingState") not in MARKETING_STATES:
        raise GraphQLError(f"Variable $input: marketingState {consent.get('marketingState')!r} is not accepted")
    if consent.get("marketingOptInLevel", "UNKNOWN") not in OPT_IN_LEVELS:
        raise GraphQLError(f"Variable $input: {consent.get('marketingOptInLevel')!r} is no CustomerMarketingOptInLevel")
    customer_id = data.get("customerId")
    if not isinstance(customer_id, str) or not CUSTOMER_GID.match(customer_id) or customer_id in deleted:
        return {"userErrors": [user_error(["input", "customerId"], "Customer not found", "INVALID")]}
    try:
        given = consent.get("consentUpdatedAt")
        moment = datetime.fromisoformat(str(given).replace("Z", "+00:00")) if given is not None else None
    except ValueError:
        moment = None
    if given is not None and (moment is None or moment.tzinfo is None):
        return {"userErrors": [user_error(["input", "emailMarketingConsent", "consentUpdatedAt"],
                                          "Consent updated at is invalid", "INVALID")]}
    return {"userErrors": [], "customer_id": customer_id, "consent": consent}
