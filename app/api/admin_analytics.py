"""Admin API of the analytics area: the report, segments, campaigns and CSV exports (all for g.shop only)."""

from __future__ import annotations

from typing import Any

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.analytics import report as reports
from app.analytics.export import export_text
from app.analytics.read import segment_page, segments_overview
from app.analytics.segments import ABC, FILTER_FIELDS, KINDS, RFM_GROUPS, parse_segment
from app.analytics.settings import read_analytics_settings, update_analytics_settings
from app.api import container
from app.api.admin_auth import require_admin
from app.api.bounds import Count
from app.api.docs import text_file
from app.i18n import LOCALES, pick_locale
from app.services import campaign_params, campaigns, email_admin

blp = Blueprint("admin_analytics", __name__, description="Retention analytics, segments, campaigns and exports.")


class ReportArgs(Schema):
    """The period (both days included; default the last twelve months) and the language of the texts."""

    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    lang = fields.Str(validate=validate.OneOf(["de", "en"]))


class AnalyticsSettingsSchema(Schema):
    """Churn window, acquisition cost (empty: none entered) and the A/B revenue shares."""

    churn_window_days = fields.Int(validate=validate.Range(min=30, max=1095))
    acquisition_cost = fields.Decimal(places=2, as_string=True, allow_none=True, validate=validate.Range(min=0))
    a_share = fields.Decimal(places=2, as_string=True, validate=validate.Range(min=0.05, max=0.99))
    b_share = fields.Decimal(places=2, as_string=True, validate=validate.Range(min=0.05, max=1))


class SegmentArgs(Schema):
    """A segment: kind (all | abc | rfm | tier | filter), value, and the filters."""

    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    value = fields.Str(metadata={"description": f"A/B/C, an RFM group ({', '.join(RFM_GROUPS)}) or a tier key"})
    last_order_before = fields.Date()
    last_order_after = fields.Date()
    min_orders = Count()
    min_spend = fields.Decimal(validate=validate.Range(min=0))


class CampaignPreviewArgs(SegmentArgs):
    """A segment and the action a campaign would take on it (bonus points and coupons reach everyone)."""

    action = fields.Str(load_default="bonus", validate=validate.OneOf(campaign_params.ACTIONS))


class SegmentPageArgs(SegmentArgs):
    """A segment and the page of its members."""

    after_id = Count(load_default=0)
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


class CampaignSchema(Schema):
    """A new campaign: a segment and one action with its parameters."""

    name = fields.Str(load_default="", validate=validate.Length(max=120))
    segment = fields.Nested(SegmentArgs, required=True)  # the preview's rules: what it refuses, a start refuses
    action = fields.Str(required=True, validate=validate.OneOf(campaign_params.ACTIONS))
    params = fields.Dict(load_default=dict)


def _texts_field(limit: int, what: str) -> fields.Raw:
    # one text (the shop's language) or one per language; services/campaign_params checks the shape
    text = {"type": "string", "maxLength": limit}
    return fields.Raw(load_default="", metadata={
        "description": f"The {what}: one text, or one per language ({{\"de\": …, \"en\": …}})",
        "oneOf": [text, {"type": "object", "additionalProperties": text}]})


class MessagePreviewArgs(Schema):
    """A message campaign's unsaved texts, and the language of the member to preview for (default: the shop's)."""

    subject = _texts_field(200, "subject")
    body = _texts_field(5000, "body")
    locale = fields.Str(validate=validate.OneOf(LOCALES))


class MessagePreviewSchema(Schema):
    """The email as a member receives it, and the placeholders its texts may use (with what each stands for)."""

    subject = fields.Str()
    html = fields.Str()
    text = fields.Str()
    locale = fields.Str()
    placeholders = fields.List(fields.Dict())


class ReportSchema(Schema):
    """The report: every figure ({value, unit, label, definition}) and the chart series."""

    shop = fields.Dict()
    period = fields.Dict()
    settings = fields.Dict()
    figures = fields.Dict(keys=fields.Str(), values=fields.Dict())
    charts = fields.Dict()


class SegmentsSchema(Schema):
    """Members per A/B/C class (with revenue), RFM group and tier."""

    abc = fields.List(fields.Dict())
    rfm = fields.List(fields.Dict())
    tiers = fields.List(fields.Dict())
    members_total = fields.Int()
    classes = fields.List(fields.Str())


class SegmentPageSchema(Schema):
    """A segment's size and one page of its members."""

    segment = fields.Dict()
    count = fields.Int()
    members = fields.List(fields.Dict())
    next_after_id = fields.Int(allow_none=True)


class CampaignOutSchema(Schema):
    """A campaign and its progress."""

    id = fields.Int()
    name = fields.Str()
    segment = fields.Dict()
    action = fields.Str()
    params = fields.Dict()
    status = fields.Str()
    total = fields.Int()
    processed = fields.Int()
    succeeded = fields.Int()
    skipped = fields.Int()
    failed = fields.Int()
    percent = fields.Int()
    started_by = fields.Str()
    created_at = fields.Str()
    finished_at = fields.Str(allow_none=True)
    last_error = fields.Str(allow_none=True)


class CampaignListSchema(Schema):
    """The shop's campaigns, newest first."""

    campaigns = fields.List(fields.Nested(CampaignOutSchema))


class CountSchema(Schema):
    """How many members."""

    count = fields.Int()


class CampaignReachSchema(CountSchema):
    """How many members a campaign reaches (`count`) of the segment's `members`; `consent_only`: a message, which
    reaches only members who agreed to marketing emails."""

    members = fields.Int()
    consent_only = fields.Bool()


def _segment(args: dict[str, Any]) -> dict[str, Any]:
    raw = {k: args[k] for k in ("kind", "value", *FILTER_FIELDS) if args.get(k) not in (None, "")}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in raw.items()}


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/admin/api/analytics/report")
@require_admin
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReportSchema)
def report(args: dict[str, Any]) -> dict[str, Any]:
    """Every retention, value and programme figure for a period, with definitions and chart series."""
    c = container()
    locale = pick_locale(args.get("lang"), g.shop.locale)
    return reports.report_for(c.uow(), g.shop, args.get("first"), args.get("last"), c.clock.now(), locale)


@blp.route("/admin/api/analytics/settings", methods=["GET"])
@blp.response(200, AnalyticsSettingsSchema)
@require_admin
def read_settings() -> Any:
    """The analytics settings of the shop."""
    return read_analytics_settings(container().uow(), g.shop.id)


@blp.route("/admin/api/analytics/settings", methods=["PUT"])
@require_admin
@blp.arguments(AnalyticsSettingsSchema)
@blp.response(200, AnalyticsSettingsSchema)
def write_settings(data: dict[str, Any]) -> Any:
    """Change the churn window, acquisition cost or A/B shares (audited)."""
    c = container()
    return update_analytics_settings(c.uow(), g.shop.id, data, actor=g.actor, now=c.clock.now())


@blp.route("/admin/api/segments")
@require_admin
@blp.arguments(ReportArgs(only=("lang",)), location="query")
@blp.response(200, SegmentsSchema)
def segments(args: dict[str, Any]) -> dict[str, Any]:
    """Members per A/B/C class (with revenue), RFM group and tier."""
    return {**segments_overview(container().uow(), g.shop.id, pick_locale(args.get("lang"), g.shop.locale)),
            "classes": list(ABC)}


@blp.route("/admin/api/segments/members")
@require_admin
@blp.arguments(SegmentPageArgs, location="query")
@blp.response(200, SegmentPageSchema)
def segment_members(args: dict[str, Any]) -> dict[str, Any]:
    """The size of a segment and one page of its members (pass `after_id` for the next page)."""
    return segment_page(container().uow(), g.shop.id, _segment(args), after_id=args["after_id"],
                        limit=args["limit"])


@blp.route("/admin/api/campaigns", methods=["GET"])
@blp.response(200, CampaignListSchema)
@require_admin
def list_campaigns() -> dict[str, Any]:
    """The shop's campaigns with their progress, newest first."""
    return {"campaigns": campaigns.list_campaigns(container().uow(), g.shop.id)}


@blp.route("/admin/api/campaigns/preview")
@require_admin
@blp.arguments(CampaignPreviewArgs, location="query")
@blp.response(200, CampaignReachSchema)
def preview(args: dict[str, Any]) -> dict[str, Any]:
    """How many members a campaign on this segment would reach with this action (a message: those with consent)."""
    return campaigns.preview_segment(container().uow(), g.shop.id, _segment(args), args["action"])


@blp.route("/admin/api/campaigns/message-preview", methods=["POST"])
@require_admin
@blp.arguments(MessagePreviewArgs)
@blp.response(200, MessagePreviewSchema)
def message_preview(args: dict[str, Any]) -> dict[str, Any]:
    """A message campaign's email for a sample member reading `locale`, with the unsaved subject and body (422 for
    bad placeholders); `locale` in the answer is the language the email is written in."""
    locale = pick_locale(args.get("locale"), g.shop.locale)
    c = container()
    written_in, email = campaigns.preview_message(c.uow(), g.shop.id, subject=args["subject"], body=args["body"],
                                                  locale=locale, now=c.clock.now())
    return {"subject": email.subject, "html": email.html, "text": email.text, "locale": written_in,
            "placeholders": email_admin.placeholder_help(campaign_params.MESSAGE_KIND)}


@blp.route("/admin/api/campaigns", methods=["POST"])
@require_admin
@blp.arguments(CampaignSchema)
@blp.response(201, CampaignOutSchema)
def create(data: dict[str, Any]) -> dict[str, Any]:
    """Queue a campaign; the worker runs it in batches (recorded with who started it)."""
    c = container()
    return campaigns.create_campaign(c.uow(), g.shop.id, name=data["name"], segment=_segment(data["segment"]),
                                     action=data["action"], params=data["params"], actor=g.actor,
                                     now=c.clock.now())


@blp.route("/admin/api/campaigns/<int:campaign_id>")
@blp.response(200, CampaignOutSchema)
@require_admin
def progress(campaign_id: int) -> dict[str, Any]:
    """One campaign and its progress."""
    return campaigns.get_campaign(container().uow(), g.shop.id, campaign_id)


@blp.route("/admin/api/campaigns/<int:campaign_id>/cancel", methods=["POST"])
@blp.response(200, CampaignOutSchema)
@blp.alt_response(404, description="no such campaign in this shop")
@blp.alt_response(409, description="the campaign is done or cancelled already")
@require_admin
def cancel(campaign_id: int) -> dict[str, Any]:
    """Cancel a queued or running campaign's remaining batches (409 once it is done or cancelled)."""
    c = container()
    return campaigns.cancel_campaign(c.uow(), g.shop.id, campaign_id, c.clock.now())


@blp.route("/admin/api/export/<any(members, ledger):what>.csv")
@blp.doc(responses={"200": text_file("members or the ledger as CSV", "text/csv")})
@require_admin
def export(what: str) -> Response:
    """Members or the whole ledger as CSV."""
    return _csv(export_text(container().uow(), g.shop.id, what), f"{what}.csv")


@blp.route("/admin/api/export/segment.csv")
@require_admin
@blp.arguments(SegmentArgs, location="query")
@blp.doc(responses={"200": text_file("the segment's members as CSV", "text/csv")})
def export_segment(args: dict[str, Any]) -> Response:
    """A segment's members as CSV."""
    segment = parse_segment(_segment(args))
    return _csv(export_text(container().uow(), g.shop.id, "segment", segment), f"segment-{segment['kind']}.csv")
