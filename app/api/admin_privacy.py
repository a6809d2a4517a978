"""Admin API: privacy exports to download, anonymising a member, deleting all of the shop's data."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, g, session
from flask_smorest import Blueprint

from app.api import container
from app.api.admin_auth import SESSION_KEY, require_admin
from app.api.admin_schemas import ExportCreatedSchema, ExportRowSchema, PrivacyMemberSchema, ShopDeleteSchema
from app.api.bounds import BIG_ID
from app.services import privacy

blp = Blueprint("admin_privacy", __name__, description="Privacy requests of the signed-in shop (admin).")


@blp.route("/admin/api/privacy/exports")
@blp.response(200, ExportRowSchema(many=True))
@require_admin
def exports() -> list[Any]:
    """Data exports (from customers/data_request webhooks and from this page), newest first."""
    return privacy.list_exports(container().uow(), g.shop.id)


@blp.route("/admin/api/privacy/exports", methods=["POST"])
@require_admin
@blp.arguments(PrivacyMemberSchema)
@blp.response(201, ExportCreatedSchema)
def create_export(data: dict[str, Any]) -> dict[str, Any]:
    """Export one member's data (profile, ledger, orders, reviews, messages) as JSON."""
    c = container()
    export_id = privacy.export_member_by_admin(c.uow(), g.shop.id, _named_member(data), actor=g.actor,
                                               now=c.clock.now())
    return {"id": export_id}


@blp.route(f"/admin/api/privacy/exports/<{BIG_ID}:export_id>")
@blp.response(200, description="the export as a JSON file (attachment)")
@require_admin
def download(export_id: int) -> Response:
    """Download one export as a JSON file."""
    c = container()
    data = privacy.download_export(c.uow(), g.shop.id, export_id, c.clock.now())
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="loyalty-export-{export_id}.json"'})


@blp.route("/admin/api/privacy/redact", methods=["POST"])
@require_admin
@blp.arguments(PrivacyMemberSchema)
@blp.response(204)
def redact(data: dict[str, Any]) -> None:
    """Anonymise one member: no name, email, address or birthday left; ledger amounts stay."""
    c = container()
    privacy.redact_member_by_admin(c.uow(), g.shop.id, _named_member(data), actor=g.actor, now=c.clock.now())


@blp.route("/admin/api/privacy/shop", methods=["DELETE"])
@require_admin
@blp.arguments(ShopDeleteSchema)
@blp.response(204)
def delete_shop(data: dict[str, Any]) -> None:
    """Delete all of this shop's data now (type the shop's address to confirm); signs out."""
    privacy.delete_shop_by_admin(container().uow(), g.shop.id, data["confirm"])
    session.pop(SESSION_KEY, None)


def _named_member(data: dict[str, Any]) -> int | str:
    # `member_id` (older clients) or `member`: a member number or an email address.
    return data.get("member_id", data.get("member", ""))
