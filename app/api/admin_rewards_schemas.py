"""Marshmallow schemas of the rewards admin API: tier programme, rewards catalogue, settings, coupons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from app.api.bounds import RowId
from app.domain.rewards import KINDS, MAX_VALIDITY_DAYS, MODES
from app.domain.tiers import (
    BASES,
    MAX_MULTIPLIER,
    MAX_NAME_LENGTH,
    MAX_PERK_LENGTH,
    MAX_PERKS,
    MAX_TIERS,
    PERIODS,
    TRANSLATION_LOCALES,
    TierDef,
    TierProgram,
    TierTranslation,
)

MONEY = {"places": 2, "as_string": True}
MAX_AMOUNT = 10_000_000  # keeps every amount inside NUMERIC(14,2)
AMOUNT = validate.Range(min=0, max=MAX_AMOUNT)


class TierTranslationSchema(Schema):
    """A tier's name and perks in another language; left empty, readers of it see `name` and `perks`."""

    name = fields.Str(load_default="", validate=validate.Length(max=MAX_NAME_LENGTH))
    perks = fields.List(fields.Str(validate=validate.Length(max=MAX_PERK_LENGTH)), load_default=list,
                        validate=validate.Length(max=MAX_PERKS))


class TierTranslationsSchema(Schema):
    """Translations by language (only German and English; an unknown language is a 422)."""

    de = fields.Nested(TierTranslationSchema)
    en = fields.Nested(TierTranslationSchema)


class TierSchema(Schema):
    """One tier: reached at `threshold` (money or points, by the programme's basis)."""

    key = fields.Str(required=True, validate=[validate.Length(min=1, max=40), validate.Regexp(r"^[a-z0-9_-]+$")])
    name = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    threshold = fields.Decimal(required=True, validate=AMOUNT, **MONEY)
    multiplier = fields.Decimal(load_default=Decimal("1"), validate=validate.Range(min=1, max=MAX_MULTIPLIER),
                                **MONEY)
    entry_bonus_points = fields.Int(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    entry_coupon_reward_id = RowId(load_default=None, allow_none=True)
    perks = fields.List(fields.Str(validate=validate.Length(max=200)), load_default=list,
                        validate=validate.Length(max=10))
    # Left out (older clients): the tier keeps its stored translations.
    translations = fields.Nested(
        TierTranslationsSchema, load_default=None,
        metadata={"description": 'Name and perks in the other language: {"en": {"name": "Silver", "perks": [...]}}'},
    )


class TierProgramSchema(Schema):
    """A shop's tier programme; tiers by ascending threshold (up to six)."""

    basis = fields.Str(required=True, validate=validate.OneOf(BASES))
    period = fields.Str(required=True, validate=validate.OneOf(PERIODS))
    grace_days = fields.Int(required=True, validate=validate.Range(min=0, max=365))
    tiers = fields.List(fields.Nested(TierSchema), required=True, validate=validate.Length(max=MAX_TIERS))

    @post_load
    def to_program(self, data: dict[str, Any], **_: Any) -> TierProgram:
        return TierProgram(
            basis=data["basis"], period=data["period"], grace_days=data["grace_days"],
            tiers=tuple(TierDef(t["key"], t["name"], t["threshold"], t["multiplier"], t["entry_bonus_points"],
                                t["entry_coupon_reward_id"], tuple(t["perks"]), _translations(t["translations"]))
                        for t in data["tiers"]),
        )


def _translations(data: dict[str, Any] | None) -> tuple[TierTranslation, ...] | None:
    if data is None:
        return None
    return tuple(TierTranslation(locale, data[locale]["name"], tuple(data[locale]["perks"]))
                 for locale in TRANSLATION_LOCALES if locale in data)


class TierCountSchema(Schema):
    """How many members would land in a tier, and how many are in it today."""

    key = fields.Str()
    name = fields.Str()
    threshold = fields.Decimal(**MONEY)
    count = fields.Int()
    current = fields.Int()


class TierPreviewSchema(Schema):
    """Members per tier under the proposed programme."""

    members = fields.Int()
    tiers = fields.List(fields.Nested(TierCountSchema))
    no_tier = fields.Int()


class RewardSchema(Schema):
    """A catalogue reward; names are optional (a label like "5,00 € Rabatt" is derived)."""

    id = fields.Int(dump_only=True)
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    name_de = fields.Str(load_default="", validate=validate.Length(max=120))
    name_en = fields.Str(load_default="", validate=validate.Length(max=120))
    points_cost = fields.Int(required=True, validate=validate.Range(min=1, max=10_000_000))
    value = fields.Decimal(required=True, validate=AMOUNT, **MONEY)
    minimum_order = fields.Decimal(load_default=None, allow_none=True, validate=AMOUNT, **MONEY)
    validity_days = fields.Int(load_default=30, validate=validate.Range(min=1, max=MAX_VALIDITY_DAYS))
    active = fields.Bool(load_default=True)
    label = fields.Str(dump_only=True)


class RewardSettingsSchema(Schema):
    """The next-purchase ("thank you") coupon rule and whether expired coupons return their points."""

    next_purchase_enabled = fields.Bool(required=True)
    next_purchase_mode = fields.Str(required=True, validate=validate.OneOf(MODES))
    next_purchase_threshold = fields.Decimal(required=True, validate=AMOUNT, **MONEY)
    next_purchase_kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    next_purchase_value = fields.Decimal(required=True, validate=AMOUNT, **MONEY)
    next_purchase_minimum_order = fields.Decimal(load_default=None, allow_none=True,
                                                 validate=AMOUNT, **MONEY)
    next_purchase_validity_days = fields.Int(required=True, validate=validate.Range(min=1, max=MAX_VALIDITY_DAYS))
    refund_points_on_expiry = fields.Bool(required=True)


class CouponSchema(Schema):
    """A coupon issued to a member, and where it stands at the shop."""

    id = fields.Int()
    code = fields.Str()
    title = fields.Str()
    source = fields.Str()
    kind = fields.Str()
    value = fields.Decimal(**MONEY)
    minimum_order = fields.Decimal(allow_none=True, **MONEY)
    status = fields.Str()
    points_spent = fields.Int()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)
    used_at = fields.DateTime(allow_none=True)
    attempts = fields.Int()
    last_error = fields.Str(allow_none=True)
    created_at = fields.DateTime()


class MemberRedeemArgs(Schema):
    """Which reward to redeem for the member."""

    reward_id = RowId(required=True)


class MemberRedemptionSchema(Schema):
    """The code a redemption produced."""

    coupon_id = fields.Int()
    code = fields.Str()
    status = fields.Str()
    ends_at = fields.DateTime(allow_none=True)
    balance = fields.Int()
    reward_id = fields.Int()
    reward_name = fields.Str()


class TierHistorySchema(Schema):
    """One tier change."""

    from_ = fields.Str(data_key="from", attribute="from", allow_none=True)
    to = fields.Str(allow_none=True)
    reason = fields.Str()
    at = fields.DateTime()


class MemberTierSchema(Schema):
    """A member's tier status (as the widget shows it) and history."""

    status = fields.Dict(allow_none=True)
    history = fields.List(fields.Nested(TierHistorySchema))
