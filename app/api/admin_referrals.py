"""Admin API of the storefront/referrals area: referral and earning settings, the flagged queue, statistics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from app.api import container
from app.api.admin_auth import require_admin
from app.api.bounds import BIG_ID
from app.domain.rewards import KINDS
from app.services import earning_events, referrals
from app.services.referrals import reports
from app.services.referrals.settings import ReferralConfig

blp = Blueprint("admin_referrals", __name__, description="Admin: referral program and other ways to earn.")

MONEY = {"places": 2, "as_string": True}
POINTS = validate.Range(min=0, max=1_000_000)
MAX_AMOUNT = Decimal("100000")


def _amount(value: Decimal) -> None:
    # Not validate.Range: apispec would publish its bounds as strings (as_string), which OpenAPI refuses.
    if not Decimal("0") <= value <= MAX_AMOUNT:
        raise ValidationError(f"Must be between 0 and {MAX_AMOUNT}.")


DEFAULTS = ReferralConfig()


class ReferralSettingsSchema(Schema):
    """What the referrer and the friend get, the hold before the reward, and the fraud limit.

    The referrer gets `referrer_points` or, with `referrer_reward` "coupon", a coupon on the `referrer_coupon_*`
    terms (fields left out keep their defaults: points).
    """

    enabled = fields.Bool(required=True)
    referrer_points = fields.Int(required=True, validate=POINTS)
    referrer_reward = fields.Str(load_default=DEFAULTS.referrer_reward, validate=validate.OneOf(("points", "coupon")))
    referrer_coupon_kind = fields.Str(load_default=DEFAULTS.referrer_coupon_kind, validate=validate.OneOf(KINDS))
    referrer_coupon_value = fields.Decimal(
        load_default=DEFAULTS.referrer_coupon_value, validate=_amount, **MONEY
    )
    referrer_coupon_minimum = fields.Decimal(
        load_default=DEFAULTS.referrer_coupon_minimum, validate=_amount, **MONEY
    )
    referrer_coupon_days = fields.Int(
        load_default=DEFAULTS.referrer_coupon_days, validate=validate.Range(min=1, max=3650)
    )
    friend_coupon_kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    friend_coupon_value = fields.Decimal(required=True, validate=_amount, **MONEY)
    friend_coupon_minimum = fields.Decimal(load_default=DEFAULTS.friend_coupon_minimum, validate=_amount, **MONEY)
    friend_coupon_days = fields.Int(required=True, validate=validate.Range(min=1, max=3650))
    hold_days = fields.Int(required=True, validate=validate.Range(min=0, max=365))
    max_per_window = fields.Int(required=True, validate=validate.Range(min=1, max=10_000))
    window_days = fields.Int(required=True, validate=validate.Range(min=1, max=365))

    @validates_schema
    def coupons_are_valid(self, data: dict[str, Any], **_: Any) -> None:
        errors = {}
        for who in ("friend", "referrer"):
            if data.get(f"{who}_coupon_kind") == "percentage" and data.get(f"{who}_coupon_value", 0) > 100:
                errors[f"{who}_coupon_value"] = ["A percentage is at most 100."]
        gives_nothing = data.get("referrer_coupon_kind") != "free_shipping" and data["referrer_coupon_value"] <= 0
        if data.get("referrer_reward") == "coupon" and gives_nothing:
            errors["referrer_coupon_value"] = ["A coupon for the referrer needs a value above 0."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def to_config(self, data: dict[str, Any], **_: Any) -> ReferralConfig:
        return ReferralConfig(**data)


class EarningSettingsSchema(Schema):
    """Points for account creation, newsletter opt-in and birthdays (0 = off)."""

    signup_points = fields.Int(required=True, validate=POINTS)
    newsletter_points = fields.Int(required=True, validate=POINTS)
    birthday_points = fields.Int(required=True, validate=POINTS)

    @post_load
    def to_config(self, data: dict[str, Any], **_: Any) -> earning_events.EarningConfig:
        return earning_events.EarningConfig(**data)


class ReferralSchema(Schema):
    id = fields.Int()
    status = fields.Str()
    flags = fields.List(fields.Str())
    was_flagged = fields.Bool()
    source = fields.Str()
    code = fields.Str()
    referrer_id = fields.Int()
    referrer_email = fields.Str(allow_none=True)
    referrer_name = fields.Str(allow_none=True)
    friend_member_id = fields.Int(allow_none=True)
    friend_email = fields.Str(allow_none=True)
    order_id = fields.Int(allow_none=True)
    order_name = fields.Str()
    referrer_points = fields.Int()
    referrer_coupon_code = fields.Str(allow_none=True)
    friend_coupon_code = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    ordered_at = fields.DateTime(allow_none=True)
    settle_after = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Str(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    note = fields.Str()


class ReferralListArgs(Schema):
    status = fields.Str(validate=validate.OneOf(reports.STATUSES))


class StatsSchema(Schema):
    by_status = fields.Dict(keys=fields.Str(), values=fields.Int())
    total = fields.Int()
    clicks = fields.Int()
    converted = fields.Int()
    conversion = fields.Float()
    points_awarded = fields.Int()
    coupons_awarded = fields.Int()


class MemberReferralsSchema(Schema):
    code = fields.Str(allow_none=True)
    referred_by = fields.Int(allow_none=True)
    stats = fields.Nested(StatsSchema)
    referrals = fields.List(fields.Nested(ReferralSchema))


@blp.route("/admin/api/referrals/settings")
class ReferralSettingsView(MethodView):
    """The referral program's settings."""

    @blp.response(200, ReferralSettingsSchema)
    @require_admin
    def get(self) -> ReferralConfig:
        """Read the referral settings."""
        with container().uow() as uow:
            return referrals.referral_config(uow.session, g.shop.id)

    @require_admin
    @blp.arguments(ReferralSettingsSchema)
    @blp.response(200, ReferralSettingsSchema)
    def put(self, values: ReferralConfig) -> ReferralConfig:
        """Save the referral settings."""
        c = container()
        return referrals.save_settings(c.uow(), g.shop.id, values, c.clock.now())


@blp.route("/admin/api/earning/settings")
class EarningSettingsView(MethodView):
    """Ways to earn beyond orders."""

    @blp.response(200, EarningSettingsSchema)
    @require_admin
    def get(self) -> earning_events.EarningConfig:
        """Read the points for sign-up, newsletter and birthday."""
        with container().uow() as uow:
            return earning_events.config(uow.session, g.shop.id)

    @require_admin
    @blp.arguments(EarningSettingsSchema)
    @blp.response(200, EarningSettingsSchema)
    def put(self, values: earning_events.EarningConfig) -> earning_events.EarningConfig:
        """Save the points for sign-up, newsletter and birthday."""
        c = container()
        return earning_events.save_settings(c.uow(), g.shop.id, values, c.clock.now())


@blp.route("/admin/api/referrals", methods=["GET"])
@require_admin
@blp.arguments(ReferralListArgs, location="query")
@blp.response(200, ReferralSchema(many=True))
def list_referrals(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Referrals, flagged first (each with its fraud reasons), then newest."""
    return reports.list_referrals(container().uow(), g.shop.id, args.get("status"))


@blp.route("/admin/api/referrals/stats", methods=["GET"])
@blp.response(200, StatsSchema)
@require_admin
def referral_stats() -> dict[str, Any]:
    """Referral statistics of the shop."""
    return reports.referral_stats(container().uow(), g.shop.id)


@blp.route(f"/admin/api/referrals/<{BIG_ID}:referral_id>/approve", methods=["POST"])
@blp.response(200, ReferralSchema)
@require_admin
def approve(referral_id: int) -> dict[str, Any]:
    """Approve a flagged referral: the friend is welcomed, the referrer rewarded after the hold."""
    c = container()
    referrals.approve_referral(c.uow(), g.shop.id, referral_id, g.actor, c.clock.now())
    return reports.list_referrals(c.uow(), g.shop.id, limit=1, referral_id=referral_id)[0]


@blp.route(f"/admin/api/referrals/<{BIG_ID}:referral_id>/reject", methods=["POST"])
@blp.response(200, ReferralSchema)
@require_admin
def reject(referral_id: int) -> dict[str, Any]:
    """Reject a flagged referral: nobody is rewarded for it."""
    c = container()
    referrals.reject_referral(c.uow(), g.shop.id, referral_id, g.actor, c.clock.now())
    return reports.list_referrals(c.uow(), g.shop.id, limit=1, referral_id=referral_id)[0]


@blp.route("/admin/api/members/<int:member_id>/referrals", methods=["GET"])
@blp.response(200, MemberReferralsSchema)
@require_admin
def member_referrals(member_id: int) -> dict[str, Any]:
    """One member as a referrer: code, statistics, referrals; and who referred them."""
    return reports.member_referrals(container().uow(), g.shop.id, member_id)
