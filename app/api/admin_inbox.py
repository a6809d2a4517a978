"""Admin API: the webhook inbox (failed deliveries first) and retrying a failed delivery."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint

from app.api import container
from app.api.admin_auth import require_admin
from app.api.admin_schemas import DeliveryArgs, DeliverySchema, RegisteredSchema, RetryResultSchema
from app.api.bounds import BIG_ID
from app.services import admin_inbox, install

blp = Blueprint("admin_webhooks", __name__, description="Webhook inbox of the signed-in shop (admin).")


@blp.route("/admin/api/webhooks")
@require_admin
@blp.arguments(DeliveryArgs, location="query", as_kwargs=True)
@blp.response(200, DeliverySchema(many=True))
def deliveries(status: str, limit: int, before_id: int | None = None) -> list[Any]:
    """Webhook deliveries by status (failed by default), newest first; `before_id` pages on."""
    return admin_inbox.list_deliveries(container().uow(), g.shop.id, status, limit, before_id=before_id)


@blp.route(f"/admin/api/webhooks/<{BIG_ID}:delivery_id>/retry", methods=["POST"])
@blp.response(200, RetryResultSchema)
@require_admin
def retry(delivery_id: int) -> dict[str, Any]:
    """Apply a failed delivery again."""
    c = container()
    return admin_inbox.retry_one(c.uow, c.webhook_adapters, g.shop.id, delivery_id, c.clock.now())


@blp.route("/admin/api/webhooks/register", methods=["POST"])
@blp.response(200, RegisteredSchema)
@require_admin
def register() -> dict[str, Any]:
    """Create the shop's webhook subscriptions again (e.g. after the platform removed them); this also
    verifies the shop's connection (or records why it failed)."""
    c = container()
    client = c.platform_client(g.shop.platform)
    return {"topics": install.register_webhooks(c.uow, c.box, client, g.shop.id, c.settings.public_url,
                                                c.clock.now())}
