"""What a campaign does, checked before it is created: bonus points, a coupon's terms, or a message's texts.

A message's subject and body, and a coupon's title, are written either once (a string: the shop's language) or
per language (`{"de": …, "en": …}`). Each member then gets the texts in their language when there are any, else
the shop's, else the one there is, and the whole email (greeting, footer) in the language of the texts it carries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.email_texts import text_problems
from app.domain.errors import InvalidInput
from app.domain.money import to_decimal
from app.domain.rewards import IMPLAUSIBLE_AMOUNT, is_plausible_coupon_amount
from app.i18n import LOCALES, pick_locale

ACTIONS = ("bonus", "coupon", "message")
COUPON_KINDS = ("fixed_amount", "percentage", "free_shipping")
MESSAGE_KIND = "campaign"  # the email kind a message campaign sends
LIMITS = {"subject": 200, "body": 5000, "title": 200}
HALF_WRITTEN = "Write the subject and the text in this language, or neither."
NOT_TEXTS = "A text, or one text per language: {\"de\": …, \"en\": …}."
MAX_AMOUNT = Decimal(10_000_000)  # a coupon's value or minimum order, as in the reward catalogue: inside NUMERIC(14,2)


def check_params(action: str, params: dict[str, Any], currency: str | None = None) -> dict[str, Any]:
    """The action's parameters as stored, or InvalidInput naming each field that is wrong (`currency`: the shop's,
    to refuse a coupon amount no shop means, see `is_plausible_coupon_amount`)."""
    if action not in ACTIONS:
        raise InvalidInput("unknown action", errors={"action": [f"one of {', '.join(ACTIONS)}"]})
    if action == "bonus":
        points = params.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or not 0 < points <= 1_000_000:
            raise InvalidInput("bonus points?", errors={"points": ["a whole number from 1 to 1000000"]})
        return {"points": points, "reason": str(params.get("reason") or "campaign")[:200]}
    if action == "coupon":
        return _coupon_terms(params, currency)
    return message_texts(params.get("subject"), params.get("body"), required=True)


def message_texts(subject: Any, body: Any, *, required: bool) -> dict[str, Any]:
    """A message's subject and body as stored (both strings, or both per language, only languages written in
    full), or InvalidInput at each faulty field (and language).

    The rule the email settings' texts follow: only the placeholders a campaign's email fills in, every brace
    part of one, so no member receives "{code}" or "Hallo {first_name" as typed. `required`: at least one
    language written (a start); a preview takes what there is.
    """
    if _is_plain(subject) and _is_plain(body):
        texts = {field: (text or "").strip()[: LIMITS[field]] for field, text in (("subject", subject), ("body", body))}
        missing = {field: ["required"] for field, text in texts.items() if required and not text}
        if missing:
            raise InvalidInput("message text?", errors=missing)
        errors = {field: problems for field, text in texts.items() if (problems := text_problems(text, MESSAGE_KIND))}
        if errors:
            raise InvalidInput("The email texts are not valid.", errors=errors)
        return texts
    subjects, bodies = _per_language("subject", subject), _per_language("body", body)
    errors: dict[str, dict[str, list[str]]] = {}
    for locale in LOCALES:
        pair = {"subject": subjects.get(locale, ""), "body": bodies.get(locale, "")}
        for field, text in pair.items():
            problems = text_problems(text, MESSAGE_KIND) or ([HALF_WRITTEN] if not text and any(pair.values()) else [])
            if problems:
                errors.setdefault(field, {})[locale] = problems
    written = [locale for locale in LOCALES if subjects.get(locale) and bodies.get(locale)]
    if required and not written and not errors:
        errors = {field: {locale: ["required"] for locale in LOCALES} for field in ("subject", "body")}
    if errors:
        raise InvalidInput("The email texts are not valid.", errors=errors)
    return {"subject": {locale: subjects[locale] for locale in written},
            "body": {locale: bodies[locale] for locale in written}}


def message_for(texts: dict[str, Any], member_locale: str | None, shop_locale: str) -> tuple[str, dict[str, str]]:
    """The language a member's email is written in, and its texts: the member's language when there are texts
    in it, else the shop's, else the one there is (a string is the shop's language)."""
    if _is_plain(texts.get("subject")):
        return pick_locale(shop_locale), {field: str(texts.get(field) or "") for field in ("subject", "body")}
    written = [locale for locale in LOCALES if texts["subject"].get(locale)]
    if not written:  # a preview before anything is written: the language asked for
        return pick_locale(member_locale, shop_locale), {"subject": "", "body": ""}
    locale = _best(written, member_locale, shop_locale)
    return locale, {field: texts[field][locale] for field in ("subject", "body")}


def title_for(title: Any, member_locale: str | None, shop_locale: str) -> str:
    """A coupon campaign's title for one member (as `message_for` picks), "" when the merchant wrote none."""
    if _is_plain(title):
        return title or ""
    written = [locale for locale in LOCALES if title.get(locale)]
    return title[_best(written, member_locale, shop_locale)] if written else ""


def _best(written: list[str], member_locale: str | None, shop_locale: str) -> str:
    for candidate in (pick_locale(member_locale, shop_locale), pick_locale(shop_locale)):
        if candidate in written:
            return candidate
    return written[0]


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _per_language(field: str, value: Any, message: str = "The email texts are not valid.") -> dict[str, str]:
    """A field's texts by language (stripped, cut to its limit); InvalidInput for any other shape."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
        raise InvalidInput(message, errors={field: [NOT_TEXTS]})
    unknown = sorted(str(locale) for locale in value if locale not in LOCALES)
    if unknown:
        raise InvalidInput(message, errors={field: {locale: [f"one of {', '.join(LOCALES)}"] for locale in unknown}})
    return {locale: text.strip()[: LIMITS[field]] for locale, text in value.items() if text.strip()}


def _coupon_terms(params: dict[str, Any], currency: str | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kind = params.get("kind")
    if kind not in COUPON_KINDS:
        errors["kind"] = [f"one of {', '.join(COUPON_KINDS)}"]
    value = _amount(params.get("value", "0"))
    minimum = _amount(params["minimum_order"]) if params.get("minimum_order") else None
    if value is None:
        errors["value"] = ["an amount"]
    elif value < 0 or (kind != "free_shipping" and value <= 0):
        errors["value"] = ["a positive amount"]
    elif kind == "percentage" and value > 100:
        errors["value"] = ["A percentage is at most 100."]
    elif value > MAX_AMOUNT:
        errors["value"] = [f"Must be less than or equal to {MAX_AMOUNT}."]
    elif kind == "fixed_amount" and not is_plausible_coupon_amount(value, currency):
        errors["value"] = [IMPLAUSIBLE_AMOUNT]
    if params.get("minimum_order") and (minimum is None or not 0 <= minimum <= MAX_AMOUNT):
        errors["minimum_order"] = [f"Must be between 0 and {MAX_AMOUNT}."]
    days = params.get("validity_days", 30)
    if not isinstance(days, int) or not 1 <= days <= 365:
        errors["validity_days"] = ["1 to 365 days"]
    if errors:
        raise InvalidInput("invalid coupon", errors=errors)
    return {"kind": kind, "value": str(value), "minimum_order": str(minimum) if minimum else None,
            "validity_days": days, "title": _coupon_title(params.get("title"))}


def _amount(raw: Any) -> Decimal | None:
    """A finite amount, or None for anything else (text, NaN, a boolean): checked, never a crash in a comparison."""
    try:
        return to_decimal(raw)
    except ValueError:
        return None


def _coupon_title(title: Any) -> str | dict[str, str]:
    if _is_plain(title):
        return (title or "").strip()[: LIMITS["title"]]
    return _per_language("title", title, "invalid coupon")

