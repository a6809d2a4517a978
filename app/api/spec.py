"""The Api with the product's OpenAPI conventions: the one error shape (with `reason`) and numeric Decimal bounds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_smorest import Api
from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """The one JSON error shape (app/api/errors.py): what every 4xx/5xx answers."""

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    message = fields.String(metadata={"description": "What went wrong"})
    reason = fields.String(metadata={"description": "Stable machine-readable reason, e.g. insufficient_points"})
    errors = fields.Dict(metadata={"description": "Per-field errors (validation)"})


class LoyaltyApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, documenting our error shape and writing Decimal bounds as JSON numbers."""

    ERROR_SCHEMA = ErrorSchema

    def _register_responses(self) -> None:  # type: ignore[override]
        super()._register_responses()
        self.ma_plugin.converter.add_attribute_function(_numeric_bounds)


BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _numeric_bounds(_converter: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Decimal fields: amounts travel as strings ("49.90") when `as_string`, so document them as strings.

    apispec calls every Decimal a number and serialises a Range's bounds with the field, which makes them
    strings too ("minimum": "0.00"): no valid schema, and not what the API sends.
    """
    if not isinstance(field, fields.Decimal):
        return {}
    for part in [ret, *ret.get("anyOf", []), *ret.get("oneOf", [])]:
        if not isinstance(part, dict) or "type" not in part:
            continue
        if field.as_string:
            nullable = isinstance(part["type"], list) and "null" in part["type"]
            part["type"] = ["string", "null"] if nullable else "string"
            part["format"] = "decimal"
            part["pattern"] = r"^-?\d+(\.\d+)?$"
            part.update({f"x-{key}": str(part.pop(key)) for key in BOUNDS if key in part})
        else:
            part.update({key: float(Decimal(str(part[key]))) for key in BOUNDS if key in part})
    return {}
