"""What a campaign does, checked before it is created: bonus points, a coupon's terms, or a message's texts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.email_texts import text_problems
from app.domain.errors import InvalidInput

ACTIONS = ("bonus", "coupon", "message")
COUPON_KINDS = ("fixed_amount", "percentage", "free_shipping")
MESSAGE_KIND = "campaign"  # the email kind a message campaign sends


def check_params(action: str, params: dict[str, Any]) -> dict[str, Any]:
    """The action's parameters as stored, or InvalidInput naming each field that is wrong."""
    if action not in ACTIONS:
        raise InvalidInput("unknown action", errors={"action": [f"one of {', '.join(ACTIONS)}"]})
    if action == "bonus":
        points = params.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or not 0 < points <= 1_000_000:
            raise InvalidInput("bonus points?", errors={"points": ["a whole number from 1 to 1000000"]})
        return {"points": points, "reason": str(params.get("reason") or "campaign")[:200]}
    if action == "coupon":
        return _coupon_terms(params)
    errors = {k: ["required"] for k in ("subject", "body") if not str(params.get(k) or "").strip()}
    if errors:
        raise InvalidInput("message text?", errors=errors)
    texts = {"subject": str(params["subject"]).strip()[:200], "body": str(params["body"]).strip()[:5000]}
    check_message_texts(texts)
    return texts


def check_message_texts(texts: dict[str, str]) -> None:
    """A message's subject and body, or InvalidInput at each field with a placeholder problem."""
    # The rule the email settings' texts follow: only the placeholders a campaign's email fills in, every brace
    # part of one, so no member receives "{code}" or "Hallo {first_name" as typed.
    errors = {field: problems for field, text in texts.items() if (problems := text_problems(text, MESSAGE_KIND))}
    if errors:
        raise InvalidInput("The email texts are not valid.", errors=errors)


def _coupon_terms(params: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if params.get("kind") not in COUPON_KINDS:
        errors["kind"] = [f"one of {', '.join(COUPON_KINDS)}"]
    try:
        value = Decimal(str(params.get("value", "0")))
        minimum = Decimal(str(params["minimum_order"])) if params.get("minimum_order") else None
    except InvalidOperation:
        raise InvalidInput("coupon value?", errors={"value": ["an amount"]}) from None
    if value < 0 or (params.get("kind") != "free_shipping" and value <= 0):
        errors["value"] = ["a positive amount"]
    days = params.get("validity_days", 30)
    if not isinstance(days, int) or not 1 <= days <= 365:
        errors["validity_days"] = ["1 to 365 days"]
    if errors:
        raise InvalidInput("invalid coupon", errors=errors)
    return {"kind": params["kind"], "value": str(value), "minimum_order": str(minimum) if minimum else None,
            "validity_days": days, "title": str(params.get("title") or "")[:200]}
