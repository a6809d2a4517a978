"""Admin API: order reconciliation runs (what each sync pulled and repaired) and a manual sync."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api import container
from app.api.admin_auth import require_admin
from app.i18n.sync import error_texts
from app.services import reconciliation

blp = Blueprint("admin_sync", __name__, description="Order reconciliation of the signed-in shop (admin).")

MANUAL_MAX_ORDERS = 500  # a sync started from the page stays short; the worker's next run continues


class RunListArgs(Schema):
    """Filter the run list."""

    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    repaired_only = fields.Bool(load_default=False)


class SyncErrorSchema(Schema):
    """Why a run stopped or skipped an order; `texts` explains it in German and English."""

    reason = fields.Str()
    detail = fields.Str()
    order_ref = fields.Str(allow_none=True)
    retry_after = fields.Float(allow_none=True)
    texts = fields.Method("_texts")

    def _texts(self, error: dict[str, Any]) -> dict[str, str]:
        return error_texts(str(error.get("reason")))


class SyncRunSchema(Schema):
    """One sync run."""

    id = fields.Int()
    trigger = fields.Str()
    actor = fields.Str(allow_none=True)
    status = fields.Str()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    since = fields.DateTime()
    synced_to = fields.DateTime(allow_none=True)
    pulled = fields.Int()
    repaired = fields.Int()
    error_count = fields.Int()
    errors = fields.List(fields.Nested(SyncErrorSchema))


class SyncRunListSchema(Schema):
    """The shop's last sync and its runs, newest first."""

    last_synced_at = fields.DateTime(allow_none=True)
    runs = fields.List(fields.Nested(SyncRunSchema))


class SyncRepairSchema(Schema):
    """An order whose points a run changed (a webhook that never arrived)."""

    order_ref = fields.Str()
    order_name = fields.Str()
    member_id = fields.Int(allow_none=True)
    member_email = fields.Str(allow_none=True)
    points_before = fields.Int()
    points_after = fields.Int()
    repaired_at = fields.DateTime()


class SyncRunDetailSchema(SyncRunSchema):
    """One sync run with the orders it repaired."""

    repairs = fields.List(fields.Nested(SyncRepairSchema))


@blp.route("/admin/api/sync/runs")
@require_admin
@blp.arguments(RunListArgs, location="query", as_kwargs=True)
@blp.response(200, SyncRunListSchema)
def runs(limit: int, repaired_only: bool) -> dict[str, Any]:
    """Sync runs of the signed-in shop, newest first."""
    return reconciliation.list_runs(container().uow(), g.shop.id, limit, repaired_only)


@blp.route("/admin/api/sync/runs/<int:run_id>")
@blp.response(200, SyncRunDetailSchema)
@require_admin
def run_detail(run_id: int) -> dict[str, Any]:
    """One sync run and the orders whose points it repaired."""
    return reconciliation.get_run(container().uow(), g.shop.id, run_id)


@blp.route("/admin/api/sync/run", methods=["POST"])
@blp.response(200, SyncRunDetailSchema)
@blp.alt_response(409, description="a sync of this shop is running already")
@require_admin
def run_now() -> dict[str, Any]:
    """Sync the shop's orders now (at most a few hundred; the worker continues with the rest)."""
    c = container()
    outcome = reconciliation.sync_shop(
        c.uow, c.platform_client, c.box, c.clock, g.shop.id, trigger="admin", actor=g.actor,
        max_orders=MANUAL_MAX_ORDERS,
    )
    return reconciliation.get_run(c.uow(), g.shop.id, outcome.run_id)
