"""Admin API: member search, a member's page, manual point adjustments and the audit log."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint

from app.api import container
from app.api.admin_auth import admin_locale, require_admin
from app.api.admin_schemas import (
    AdjustResultSchema,
    AdjustSchema,
    AuditArgs,
    AuditRowSchema,
    MemberListSchema,
    MemberPageSchema,
    MemberSearchArgs,
)
from app.services import admin_members

blp = Blueprint("admin_members", __name__, description="Members of the signed-in shop (admin).")


@blp.route("/admin/api/members")
@require_admin
@blp.arguments(MemberSearchArgs, location="query", as_kwargs=True)
@blp.response(200, MemberListSchema)
def search(q: str, offset: int, limit: int, sort: str, with_pending: bool, tier: str | None = None) -> dict[str, Any]:
    """One page of members (newest first unless `sort` says otherwise), optionally searched by email or name
    (every word, any order, case and accents ignored) and filtered by tier or pending points, with the total."""
    return admin_members.search_members(container().uow(), g.shop.id, q, offset=offset, limit=limit,
                                        locale=admin_locale(), sort=sort, tier=tier, with_pending=with_pending)


@blp.route("/admin/api/members/<int:member_id>")
@blp.response(200, MemberPageSchema)
@require_admin
def detail(member_id: int) -> dict[str, Any]:
    """A member's balance, pending and spendable points, lots, ledger history, orders and referrer."""
    return admin_members.member_page(container().uow(), g.shop.id, member_id, admin_locale())


@blp.route("/admin/api/members/<int:member_id>/adjust", methods=["POST"])
@require_admin
@blp.arguments(AdjustSchema)
@blp.response(201, AdjustResultSchema)
def adjust(data: dict[str, Any], member_id: int) -> dict[str, Any]:
    """Add or take back points by hand, with a required reason (recorded with the acting admin)."""
    c = container()
    return admin_members.adjust_points(
        c.uow(), g.shop.id, member_id, data["points"], data["reason"], actor=g.actor, now=c.clock.now()
    )


@blp.route("/admin/api/audit")
@require_admin
@blp.arguments(AuditArgs, location="query", as_kwargs=True)
@blp.response(200, AuditRowSchema(many=True))
def audit(limit: int) -> list[Any]:
    """The newest admin actions (adjustments, settings changes, privacy actions)."""
    return admin_members.audit_log(container().uow(), g.shop.id, limit)
