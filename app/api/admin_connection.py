"""Admin API: whether the shop's keys and webhooks are verified, and a check right now."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api import container
from app.api.admin_auth import require_admin
from app.domain.connection import ConnectionState, store_answered
from app.i18n.connection import reason_texts
from app.services import connection, connection_checks

blp = Blueprint("admin_connection", __name__, description="Connection of the signed-in shop to its store (admin).")


class ConnectionSchema(Schema):
    """Unverified while no call with the shop's keys has registered its webhooks; `texts` say why (de, en);
    `error` is the technical detail of the last failure without secrets; `answered`: the store sent an HTTP
    answer (false: it was not reached); `gave_up`: the worker stopped retrying."""

    verified = fields.Bool()
    reason = fields.Str(allow_none=True)
    texts = fields.Method("_texts")
    error = fields.Str()
    answered = fields.Method("_answered")
    since = fields.DateTime(allow_none=True)
    attempts = fields.Int()
    last_attempt_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    gave_up = fields.Bool()

    def _texts(self, state: ConnectionState) -> dict[str, str] | None:
        return None if state.verified else reason_texts(state.reason, state.gave_up, g.shop.platform)

    def _answered(self, state: ConnectionState) -> bool | None:
        return None if state.verified else store_answered(state)


@blp.route("/admin/api/connection")
@blp.response(200, ConnectionSchema)
@require_admin
def status() -> ConnectionState:
    """Whether the shop's keys and webhooks are verified, and if not, why and when the next try is."""
    return connection.connection_status(container().uow(), g.shop.id)


@blp.route("/admin/api/connection/verify", methods=["POST"])
@blp.response(200, ConnectionSchema)
@require_admin
def verify() -> ConnectionState:
    """Register the shop's webhooks now (verifying its keys); a failure is recorded and answered as an error."""
    c = container()
    client = c.platform_client(g.shop.platform)
    return connection_checks.verify_connection(c.uow, client, c.box, g.shop.id, c.settings.public_url,
                                               c.clock.now())
