"""Admin API of the emails area: settings and live preview, the outbox (cancel, retry), reviews."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api import container
from app.api.admin_auth import require_admin
from app.api.bounds import Count
from app.domain.email_sender import ADDRESS_MAX, SENDER_NAME_MAX
from app.i18n import LOCALES, translate
from app.services import email_admin, email_settings

blp = Blueprint("admin_emails", __name__, description="Emails: settings, preview, outbox and reviews (admin).")

STATUSES = ("pending", "sending", "sent", "failed", "cancelled")
Localised = fields.Dict(keys=fields.Str(validate=validate.OneOf(LOCALES)),
                        values=fields.Str(validate=validate.Length(max=2000)))


class EmailKindSchema(Schema):
    enabled = fields.Bool()
    subject = fields.Dict(keys=fields.Str(validate=validate.OneOf(LOCALES)),
                          values=fields.Str(validate=validate.Length(max=200)))
    intro = Localised


class EmailSettingsSchema(Schema):
    """A shop's email settings; empty texts mean the default."""

    kinds = fields.Dict(keys=fields.Str(validate=validate.OneOf(email_settings.KINDS)),
                        values=fields.Nested(EmailKindSchema))
    thank_you_delay_minutes = fields.Int(validate=validate.Range(0, 7 * 24 * 60))
    review_delay_days = fields.Int(validate=validate.Range(0, 120))
    review_without_fulfilment = fields.Bool()
    review_reminder_days = fields.Int(validate=validate.Range(1, 60))
    review_window_days = fields.Int(validate=validate.Range(0, 365))
    review_consent = fields.Str(validate=validate.OneOf(email_settings.REVIEW_CONSENT))
    review_points = fields.Int(validate=validate.Range(0, 100000))
    review_link_days = fields.Int(validate=validate.Range(1, 365))
    german_address = fields.Str(validate=validate.OneOf(email_settings.GERMAN_ADDRESS), metadata={
        "description": "How German texts address shoppers (emails, their pages, the widget): du (default) or sie"})
    sender_name = fields.Str(validate=validate.Length(max=SENDER_NAME_MAX), metadata={
        "description": "The name the emails come from (the From header's display name, with the operator's "
                       "address): empty for the shop's name. One line, no control characters."})
    reply_to = fields.Str(validate=validate.Length(max=ADDRESS_MAX), metadata={
        "description": "One email address shoppers' replies go to (the Reply-To header): empty for none, so "
                       "replies go to the From address."})


class EmailSettingsPage(Schema):
    settings = fields.Nested(EmailSettingsSchema)
    defaults = fields.Dict()
    kinds = fields.List(fields.Dict())


class EmailPreviewArgs(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(email_settings.KINDS))
    locale = fields.Str(load_default="de", validate=validate.OneOf(LOCALES))
    settings = fields.Nested(EmailSettingsSchema, load_default=dict)


class EmailPreviewSchema(Schema):
    subject = fields.Str()
    html = fields.Str()
    text = fields.Str()
    sender = fields.Str(metadata={"description": "The From as shoppers see it: the shop's sender name and address"})
    reply_to = fields.Str(metadata={"description": "The Reply-To address, empty for none"})


class EmailListArgs(Schema):
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
    offset = Count(load_default=0)


class OutboxListArgs(EmailListArgs):
    status = fields.Str(validate=validate.OneOf(STATUSES))


class ReviewListArgs(EmailListArgs):
    rating = fields.Int(validate=validate.Range(1, 5))
    flagged = fields.Bool(load_default=False)


class OutboxMessageSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    status = fields.Str()
    to_email = fields.Str()
    locale = fields.Str()
    member_id = fields.Int(allow_none=True)
    order_id = fields.Int(allow_none=True)
    subject = fields.Str(allow_none=True)
    attempts = fields.Int()
    last_error = fields.Str(allow_none=True)
    due_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ProductReviewSchema(Schema):
    id = fields.Int()
    order_id = fields.Int()
    member_id = fields.Int(allow_none=True)
    member_name = fields.Str()
    member_email = fields.Str(allow_none=True)
    product_key = fields.Str()
    product_title = fields.Str()
    rating = fields.Int()
    body = fields.Str()
    flagged = fields.Bool()
    recommend_score = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class OutboxPage(Schema):
    items = fields.List(fields.Nested(OutboxMessageSchema))
    total = fields.Int()


class ReviewListPage(Schema):
    items = fields.List(fields.Nested(ProductReviewSchema))
    total = fields.Int()


@blp.route("/admin/api/emails/settings")
class EmailSettingsView(MethodView):
    """Which emails go out, when, and with which subject and intro."""

    @blp.response(200, EmailSettingsPage)
    @require_admin
    def get(self) -> dict[str, Any]:
        """Read the email settings, the default texts and the kinds."""
        return _settings_page(email_settings.load_config(container().uow(), g.shop.id))

    @require_admin
    @blp.arguments(EmailSettingsSchema)
    @blp.response(200, EmailSettingsPage)
    def put(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change email settings (a partial document is merged)."""
        c = container()
        return _settings_page(email_settings.update_config(c.uow(), g.shop.id, changes, c.clock.now()))


@blp.route("/admin/api/emails/preview", methods=["POST"])
@require_admin
@blp.arguments(EmailPreviewArgs)
@blp.response(200, EmailPreviewSchema)
def preview(args: dict[str, Any]) -> Any:
    """Render one kind with sample data and the given, unsaved settings; with the From shoppers would see."""
    c = container()
    return email_admin.preview(c.uow(), g.shop.id, args["kind"], args["locale"], args["settings"], c.clock.now(),
                               sender=c.settings.mail_from)


@blp.route("/admin/api/outbox")
@require_admin
@blp.arguments(OutboxListArgs, location="query")
@blp.response(200, OutboxPage)
def outbox(args: dict[str, Any]) -> dict[str, Any]:
    """The shop's messages, newest first, optionally by status."""
    items, total = email_admin.list_outbox(container().uow(), g.shop.id, **args)
    return {"items": items, "total": total}


@blp.route("/admin/api/outbox/<int:message_id>/cancel", methods=["POST"])
@blp.response(200, OutboxMessageSchema)
@require_admin
def cancel(message_id: int) -> dict[str, Any]:
    """Cancel a pending or failed message."""
    c = container()
    return email_admin.cancel_message(c.uow(), g.shop.id, message_id, c.clock.now())


@blp.route("/admin/api/outbox/<int:message_id>/retry", methods=["POST"])
@blp.response(200, OutboxMessageSchema)
@require_admin
def retry(message_id: int) -> dict[str, Any]:
    """Send a failed or cancelled message again."""
    c = container()
    return email_admin.retry_message(c.uow(), g.shop.id, message_id, c.clock.now())


@blp.route("/admin/api/reviews")
@require_admin
@blp.arguments(ReviewListArgs, location="query")
@blp.response(200, ReviewListPage)
def reviews(args: dict[str, Any]) -> dict[str, Any]:
    """Reviews, flagged (≤ 2 stars) first, optionally by rating."""
    flagged = args.pop("flagged")
    items, total = email_admin.list_reviews(container().uow(), g.shop.id, flagged_only=flagged, **args)
    return {"items": items, "total": total}


@blp.route("/admin/api/members/<int:member_id>/messages")
@require_admin
@blp.arguments(EmailListArgs, location="query")
@blp.response(200, OutboxPage)
def member_messages(args: dict[str, Any], member_id: int) -> dict[str, Any]:
    """One member's messages."""
    items, total = email_admin.list_outbox(container().uow(), g.shop.id, member_id=member_id, **args)
    return {"items": items, "total": total}


@blp.route("/admin/api/members/<int:member_id>/reviews")
@require_admin
@blp.arguments(EmailListArgs, location="query")
@blp.response(200, ReviewListPage)
def member_reviews(args: dict[str, Any], member_id: int) -> dict[str, Any]:
    """One member's reviews."""
    items, total = email_admin.list_reviews(container().uow(), g.shop.id, member_id=member_id, **args)
    return {"items": items, "total": total}


def _settings_page(config: email_settings.EmailConfig) -> dict[str, Any]:
    kinds = [{"kind": kind, "category": email_settings.CATEGORY[kind],
              "name": {loc: translate(f"emails.kind.{kind}", loc) for loc in LOCALES},
              "placeholders": email_admin.placeholder_help(kind)}
             for kind in email_settings.KINDS]
    return {"settings": config.to_dict(), "defaults": email_settings.defaults(), "kinds": kinds}
