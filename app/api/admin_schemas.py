"""Marshmallow schemas of the admin core API (shared by the JSON API, the OpenAPI document and the page)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from app.api.bounds import RowId
from app.queries import MEMBER_ORDER


class ShopSchema(Schema):
    """The signed-in shop, as the admin page needs it."""

    id = fields.Int()
    name = fields.Str()
    domain = fields.Str()
    platform = fields.Str()
    currency = fields.Str()
    locale = fields.Str()


class MeSchema(Schema):
    """Who is signed in, to which shop."""

    shop = fields.Nested(ShopSchema)
    actor = fields.Str()


class LoginArgs(Schema):
    """The signed login link's token."""

    token = fields.Str(required=True)


class PageArgs(Schema):
    """What Shopify adds when it opens the embedded page; a language choice."""

    class Meta:
        unknown = "exclude"

    shop = fields.Str()
    host = fields.Str()
    id_token = fields.Str()
    embedded = fields.Str()
    lang = fields.Str(validate=validate.OneOf(["de", "en"]))
    locale = fields.Str(validate=validate.Length(max=35), metadata={"description": "Shopify's language, e.g. en-US"})


class SettingsSchema(Schema):
    """The core program settings: earning, point value, pending period, expiry, shop language."""

    points_per_unit = fields.Decimal(required=True, places=2, as_string=True,
                                     validate=validate.Range(min=0, max=1000))
    include_shipping = fields.Bool(required=True)
    include_tax = fields.Bool(required=True)
    rounding = fields.Str(required=True, validate=validate.OneOf(["down", "nearest", "up"]))
    point_value_points = fields.Int(required=True, validate=validate.Range(min=1, max=1_000_000))
    point_value_amount = fields.Decimal(required=True, places=2, as_string=True,
                                        validate=validate.Range(min=0, min_inclusive=False, max=100_000))
    pending_days = fields.Int(required=True, validate=validate.Range(min=0, max=365))
    expiry_policy = fields.Str(required=True, validate=validate.OneOf(["never", "per_lot", "inactivity"]))
    expiry_months = fields.Int(required=True, validate=validate.Range(min=1, max=120))
    expiry_reminder_days = fields.Int(required=True, validate=validate.Range(min=0, max=365))
    locale = fields.Str(required=True, validate=validate.OneOf(["de", "en"]))

    @validates_schema
    def _reminder_within_expiry(self, data: dict, **_: object) -> None:  # type: ignore[type-arg]
        months, days = data.get("expiry_months"), data.get("expiry_reminder_days")
        if data.get("expiry_policy") != "never" and months and days and days >= months * 30:
            raise ValidationError("must be shorter than the expiry period", "expiry_reminder_days")


class MemberSearchArgs(Schema):
    """Search, sort and filter the members list."""

    q = fields.Str(load_default="", validate=validate.Length(max=200))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0, max=10_000_000))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    sort = fields.Str(load_default="joined_desc", validate=validate.OneOf(list(MEMBER_ORDER)), metadata={
        "description": "joined_desc (default) | joined_asc: by the day the member joined; balance_desc | "
                       "balance_asc: by points balance; name_asc | name_desc: by last name (else first name, "
                       "else email), accents ignored (Ö sorts as O)"})
    tier = fields.Str(validate=[validate.Length(min=1, max=40), validate.Regexp(r"^[a-z0-9_-]+$")], metadata={
        "description": "only members now in the tier with this key (the keys of GET /admin/api/tiers)"})
    with_pending = fields.Bool(load_default=False, metadata={
        "description": "only members with points still pending (not yet spendable)"})


class MemberRowSchema(Schema):
    """A member in a search result."""

    id = fields.Int()
    email = fields.Str(allow_none=True)
    name = fields.Str()
    balance = fields.Int()
    pending = fields.Int()
    joined_at = fields.DateTime()
    redacted = fields.Bool()


class MemberListRowSchema(MemberRowSchema):
    """A member in the members list, with the current tier's name."""

    tier = fields.Str(allow_none=True)


class MemberListSchema(Schema):
    """One page of the members list and how many match in all."""

    members = fields.List(fields.Nested(MemberListRowSchema))
    total = fields.Int()
    offset = fields.Int()
    limit = fields.Int()


class LotSchema(Schema):
    id = fields.Int()
    points = fields.Int()
    remaining = fields.Int()
    available_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    pending = fields.Bool()


class LedgerRowSchema(Schema):
    id = fields.Int()
    at = fields.DateTime()
    delta = fields.Int()
    kind = fields.Str()
    reason = fields.Str()
    text = fields.Str(metadata={"description": "the reason, readable in the shop's language"})
    actor = fields.Str()
    balance_after = fields.Int()


class OrderRowSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    ref = fields.Str()
    placed_at = fields.DateTime()
    paid = fields.Bool()
    cancelled = fields.Bool()
    currency = fields.Str()
    total = fields.Decimal(as_string=True)
    refunded = fields.Decimal(as_string=True)
    points = fields.Int()


class ConsentPushSchema(Schema):
    """Where the member's newsletter opt-in stands at the shop: pending | done | failed | cancelled."""

    status = fields.Str()
    consented_at = fields.DateTime()
    attempts = fields.Int()
    reason = fields.Str(allow_none=True, metadata={"description": "missing_scope | rejected | unavailable | ..."})
    last_error = fields.Str(allow_none=True)


class MemberDetailSchema(MemberRowSchema):
    """A member's page: balances, newsletter consent, lots, ledger history and orders."""

    customer_ref = fields.Str(allow_none=True)
    first_name = fields.Str(allow_none=True)
    last_name = fields.Str(allow_none=True)
    spendable = fields.Int()
    lifetime_points = fields.Int()
    last_order_at = fields.DateTime(allow_none=True)
    accepts_marketing = fields.Bool()
    newsletter_push = fields.Nested(ConsentPushSchema, allow_none=True)
    lots = fields.List(fields.Nested(LotSchema))
    ledger = fields.List(fields.Nested(LedgerRowSchema))
    orders = fields.List(fields.Nested(OrderRowSchema))


class ReferrerSchema(Schema):
    """The member who referred this one."""

    id = fields.Int()
    name = fields.Str()


class MemberPageSchema(MemberDetailSchema):
    """A member's page, with who referred the member."""

    referred_by = fields.Nested(ReferrerSchema, allow_none=True)


class AdjustSchema(Schema):
    """A manual adjustment: points to add (positive) or take (negative), with a required reason."""

    points = fields.Int(required=True, strict=True, validate=validate.Range(min=-1_000_000, max=1_000_000))
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=200))

    @validates("points")
    def _non_zero(self, value: int, **_: object) -> None:
        if value == 0:
            raise ValidationError("must not be zero")

    @validates("reason")
    def _not_blank(self, value: str, **_: object) -> None:
        if not value.strip():
            raise ValidationError("a reason is required")


class AdjustResultSchema(Schema):
    entry_id = fields.Int()
    delta = fields.Int()
    balance = fields.Int()


class AuditRowSchema(Schema):
    id = fields.Int()
    actor = fields.Str()
    action = fields.Str()
    target = fields.Str()
    details = fields.Dict()
    created_at = fields.DateTime()


class AuditArgs(Schema):
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class DeliveryArgs(Schema):
    status = fields.Str(load_default="failed", validate=validate.OneOf(["failed", "processed", "ignored", "all"]))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))
    before_id = RowId(big=True, metadata={"description": "the next page: deliveries older than this one"})


class DeliverySchema(Schema):
    """A webhook delivery in the inbox."""

    id = fields.Int()
    delivery_id = fields.Str()
    topic = fields.Str()
    status = fields.Str()
    attempts = fields.Int()
    last_error = fields.Str(allow_none=True)
    received_at = fields.DateTime()
    processed_at = fields.DateTime(allow_none=True)


class RetryResultSchema(Schema):
    id = fields.Int()
    status = fields.Str()


class RegisteredSchema(Schema):
    topics = fields.Int()


class PrivacyMemberSchema(Schema):
    """Which member a privacy action is about: `member` (member number or email address) or `member_id`."""

    member = fields.Str(validate=validate.Length(min=1, max=320),
                        metadata={"description": "the member number (as on the member's page) or email address"})
    member_id = RowId(strict=True)

    @validates_schema
    def _one_member(self, data: dict, **_: object) -> None:  # type: ignore[type-arg]
        text = str(data.get("member", "")).strip()
        if "member_id" not in data and not (text.isdigit() or "@" in text):
            raise ValidationError("a member number or an email address is required", "member")


class ShopDeleteSchema(Schema):
    """Deleting all of the shop's data needs the shop's address typed as confirmation."""

    confirm = fields.Str(required=True, validate=validate.Length(min=1, max=255))


class ExportRowSchema(Schema):
    """A stored data export."""

    id = fields.Int()
    member_id = fields.Int(allow_none=True)
    request_ref = fields.Str()
    source = fields.Str()
    found = fields.Bool()
    created_at = fields.DateTime()
    downloaded_at = fields.DateTime(allow_none=True)


class ExportCreatedSchema(Schema):
    id = fields.Int()
