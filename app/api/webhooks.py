"""Order and customer webhooks from Shopify and WooCommerce: verify on the raw bytes, then parse, then store."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api import container
from app.api.spec import ErrorSchema
from app.api.webhook_deliveries import accept, ack, headers_of
from app.api.webhook_front import RAISED_IN_FRONT
from app.domain.errors import PayloadTooLarge

blp = Blueprint(
    "webhooks", __name__, url_prefix="/webhooks", description="Webhook deliveries from the shops."
)


class WebhookAckSchema(Schema):
    outcome = fields.String(
        required=True,
        metadata={
            "description": "processed | duplicate | ignored | unknown_shop | inactive_shop | failed | ping"
        },
    )


@blp.route("/shopify", methods=["POST"])
@blp.response(200, WebhookAckSchema)
@blp.alt_response(400, schema=ErrorSchema, description="malformed body")
@blp.alt_response(401, schema=ErrorSchema, description="missing or wrong HMAC")
@blp.alt_response(413, schema=ErrorSchema, description="body over 1 MiB")
def shopify_webhook() -> Response:
    """Receive a Shopify webhook (HMAC of the raw body with the app secret)."""
    return _answer("shopify")


@blp.route("/woocommerce", methods=["POST"])
@blp.response(200, WebhookAckSchema)
@blp.alt_response(400, schema=ErrorSchema, description="malformed body")
@blp.alt_response(401, schema=ErrorSchema, description="missing or wrong signature")
@blp.alt_response(413, schema=ErrorSchema, description="body over 1 MiB")
def woocommerce_webhook() -> Response:
    """Receive a WooCommerce webhook (HMAC of the raw body with the shop's webhook secret); pings answer 200."""
    return _answer("woocommerce")


def _answer(platform: str) -> Response:
    raised = request.environ.get(RAISED_IN_FRONT)
    if raised is not None:
        raise raised  # the layer in front of Flask met it taking the delivery in (webhook_front)
    outcome = accept(container(), platform, headers_of(request.environ), _raw_body())
    return Response(ack(outcome), status=200, mimetype="application/json")


def _raw_body() -> bytes:
    limit = container().settings.max_webhook_bytes
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(limit=limit)
    # A chunked body has no Content-Length: werkzeug stops reading at the request's limit without saying so,
    # which would hand a truncated body to the signature check (401). One byte more shows it is too large.
    request.max_content_length = limit + 1
    body = request.get_data(cache=True)
    if len(body) > limit:
        raise PayloadTooLarge(limit=limit)
    return body
