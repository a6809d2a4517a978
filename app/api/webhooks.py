"""Order and customer webhooks from Shopify and WooCommerce: verify on the raw bytes, then parse, then store."""

from __future__ import annotations

import json
import logging

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api import container
from app.api.spec import ErrorSchema
from app.domain.errors import PayloadTooLarge
from app.platforms.shopify.webhooks import normalise_headers
from app.platforms.woocommerce.webhooks import is_ping
from app.services import intake, shops

log = logging.getLogger(__name__)

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
    c = container()
    body = _raw_body()
    headers = normalise_headers(request.headers)  # once: werkzeug's headers are slow to walk
    adapter = c.webhook_adapters["shopify"]
    adapter.verify(headers, body, c.shopify_secrets())
    delivery = adapter.parse(headers, body)
    return _ack(intake.receive_delivery(c.uow(), delivery, c.clock.now(), c.shop_copies).outcome)


@blp.route("/woocommerce", methods=["POST"])
@blp.response(200, WebhookAckSchema)
@blp.alt_response(400, schema=ErrorSchema, description="malformed body")
@blp.alt_response(401, schema=ErrorSchema, description="missing or wrong signature")
@blp.alt_response(413, schema=ErrorSchema, description="body over 1 MiB")
def woocommerce_webhook() -> Response:
    """Receive a WooCommerce webhook (HMAC of the raw body with the shop's webhook secret); pings answer 200."""
    c = container()
    body = _raw_body()
    headers = normalise_headers(request.headers)
    if is_ping(headers, body):
        return _ack("ping")
    adapter = c.webhook_adapters["woocommerce"]
    domain = adapter.shop_domain(headers)
    secrets = shops.webhook_secrets(c.uow(), c.box, "woocommerce", domain) if domain else []
    if domain and not secrets:
        log.info("webhook for unknown shop", extra={"shop": domain})
        return _ack("unknown_shop")
    adapter.verify(headers, body, secrets)
    delivery = adapter.parse(headers, body)
    return _ack(intake.receive_delivery(c.uow(), delivery, c.clock.now(), c.shop_copies).outcome)


def _ack(outcome: str) -> Response:
    # The answer as WebhookAckSchema documents it, encoded once per outcome: the platforms wait for it, and
    # dumping a one-field schema per delivery was a measurable share of the view.
    body = _ACKS.get(outcome)
    if body is None:
        body = _ACKS[outcome] = json.dumps({"outcome": outcome}).encode()
    return Response(body, status=200, mimetype="application/json")


_ACKS: dict[str, bytes] = {}


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
