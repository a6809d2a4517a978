"""The one error map: domain errors and HTTP errors become `{"code", "status", "message", "reason", "errors"}`."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, has_request_context, jsonify, request
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from app.domain import errors as e
from app.i18n.validation import localize, localize_errors

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[e.LoyaltyError], int] = {
    e.NotFound: 404,
    e.Conflict: 409,
    e.InsufficientPoints: 409,
    e.AlreadyRedeemed: 409,
    e.RewardUnavailable: 422,
    e.InvalidInput: 422,
    e.MalformedPayload: 400,
    e.PayloadTooLarge: 413,
    e.Unauthorized: 401,
    e.InvalidSignature: 401,
    e.Forbidden: 403,
    e.RateLimited: 429,
    e.PlatformUnavailable: 503,
    e.PlatformRejected: 502,
    e.PlatformError: 502,
}

_UNREADABLE_JSON = "Invalid JSON body."  # webargs' message for a body that does not parse

REASON_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def status_for(error: e.LoyaltyError) -> int:
    """The HTTP status of a domain error: the nearest class in the table wins."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def error_response(code: int, message: str, reason: str, errors: dict[str, Any] | None = None) -> Response:
    """The one JSON error shape; messages in the reader's language (German or English, see `_reader_locale`).

    A field's errors are always a list of messages (or, for a nested object, its fields' errors), whether a
    schema or the domain found them.
    """
    locale = _reader_locale()
    body: dict[str, Any] = {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": localize(message, locale),
        "reason": reason,
    }
    if errors:
        listed = {field: [found] if isinstance(found, str) else found for field, found in errors.items()}
        body["errors"] = localize_errors(listed, locale)
    response = jsonify(body)
    response.status_code = code
    return response


def register(app: Flask) -> None:
    """Install the handlers on the app (after flask-smorest, so these win)."""

    @app.errorhandler(e.LoyaltyError)
    def _domain(error: e.LoyaltyError) -> Response:
        code = status_for(error)
        errors = getattr(error, "errors", None) or None
        message = str(error)
        if isinstance(error, e.PlatformError) and message != error.message:
            # The platform's own words (URLs, its error texts) are for the log; the reader gets the class's sentence.
            log.warning("platform error: %s", message, extra={"reason": error.reason})
            message = error.message
        response = error_response(code, message, error.reason, errors)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(max(1, round(retry_after)))
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        code = error.code or 500
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") if isinstance(data, dict) else None
        errors = _flatten_locations(messages) if messages else None
        reason = "validation_error" if code == 422 else REASON_BY_STATUS.get(code, "http_error")
        message = error.description or HTTPStatus(code).phrase
        if code == 400 and errors and _UNREADABLE_JSON in errors.get("json", ()):
            # webargs found no JSON in the body: answered as the webhooks answer it, not with Werkzeug's sentence.
            message, reason, errors = e.MalformedPayload.message, e.MalformedPayload.reason, {"body": "not valid JSON"}
        response = error_response(code, message, reason, errors)
        for header, value in (data.get("headers") or {}).items() if isinstance(data, dict) else ():
            response.headers[header] = value
        return response

    @app.errorhandler(DataError)
    def _value_the_database_refuses(error: DataError) -> Response:
        # Input the schemas let through but the database cannot store (a NUL in a text, an id beyond the
        # integer range): the transaction was rolled back, nothing is written, the client gets a 422.
        log.info("database refused a value: %s", error.orig)
        return error_response(422, "A value is out of range or contains characters that cannot be stored.",
                              "invalid_input")

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError) -> Response:
        log.error("database unavailable: %s", error.orig)
        return error_response(503, "The service is temporarily unavailable.", "database_unavailable")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "An unexpected error occurred.", "internal_error")


def _reader_locale() -> str:
    # The language the reader chose: the request's `locale` parameter (the widget's switch), else its
    # Accept-Language, else the shop's where a verified storefront request set it, else English (API clients
    # get the texts they were written in).
    if not has_request_context():
        return "en"
    chosen = request.args.get("locale")
    if chosen in ("de", "en"):
        return chosen
    if request.accept_languages:
        return "de" if request.accept_languages.best_match(("en", "de")) == "de" else "en"
    return "de" if g.get("shop_locale") == "de" else "en"


def _flatten_locations(messages: dict[str, Any]) -> dict[str, Any]:
    # webargs nests field errors under their location ("json", "query"); callers want the fields.
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat
