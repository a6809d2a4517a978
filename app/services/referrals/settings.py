"""The shop's referral settings: what the referrer and the friend get, how long the reward is held, fraud limits."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput
from app.domain.rewards import IMPLAUSIBLE_AMOUNT, coupon_label, format_money, is_plausible_coupon_amount
from app.i18n import translate
from app.models import ReferralSettings, Shop
from app.repositories.shop_settings import settings_row
from app.uow import UnitOfWork


@dataclass(frozen=True)
class ReferralConfig:
    """Referral settings with their defaults (used until the merchant saves some)."""

    enabled: bool = True
    referrer_points: int = 500
    referrer_reward: str = "points"  # points | coupon
    referrer_coupon_kind: str = "fixed_amount"
    referrer_coupon_value: Decimal = Decimal("10.00")
    referrer_coupon_minimum: Decimal = Decimal("0.00")
    referrer_coupon_days: int = 90
    friend_coupon_kind: str = "fixed_amount"
    friend_coupon_value: Decimal = Decimal("5.00")
    friend_coupon_minimum: Decimal = Decimal("0.00")
    friend_coupon_days: int = 30
    hold_days: int = 14
    max_per_window: int = 10
    window_days: int = 30

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def referrer_points_due(self) -> int:
        """The points a rewarded referral credits the referrer (0 when the shop gives a coupon instead)."""
        return self.referrer_points if self.referrer_reward == "points" else 0

    @property
    def rewards_referrer_with_coupon(self) -> bool:
        """True when the referrer gets a coupon (with something on it) instead of points."""
        return self.referrer_reward == "coupon" and (
            self.referrer_coupon_value > 0 or self.referrer_coupon_kind == "free_shipping"
        )


def welcome_coupon_text(uow: UnitOfWork, shop_id: int, locale: str, currency: str) -> str | None:
    """What the referred friend's welcome coupon gives ("5,00 € Rabatt ab 20,00 €"), for the landing page;
    None when the program is off or the coupon gives nothing."""
    with uow:
        config = referral_config(uow.session, shop_id)
    return friend_coupon_text(config, locale, currency)


def friend_coupon_text(config: ReferralConfig, locale: str, currency: str) -> str | None:
    """`welcome_coupon_text` of settings already read (the widget's referral card says it too)."""
    if not config.enabled or (config.friend_coupon_value <= 0 and config.friend_coupon_kind != "free_shipping"):
        return None
    text = coupon_label(config.friend_coupon_kind, config.friend_coupon_value, locale, currency)
    if config.friend_coupon_minimum > 0:
        minimum = format_money(config.friend_coupon_minimum, locale, currency)
        text += translate("storefront.referral.minimum", locale, minimum=minimum)
    return text


def referral_config(session: Session, shop_id: int) -> ReferralConfig:
    """The shop's referral settings (defaults when none were saved)."""
    row = settings_row(session, ReferralSettings, shop_id)
    if row is None:
        return ReferralConfig()
    return ReferralConfig(**{name: getattr(row, name) for name in ReferralConfig.__dataclass_fields__})


def implausible_coupons(values: ReferralConfig, currency: str | None) -> dict[str, list[str]]:
    """The coupon amounts no shop means (see `is_plausible_coupon_amount`), by field: the friend's welcome coupon,
    and the referrer's when the referrer gets one."""
    coupons = [("friend", values.friend_coupon_kind, values.friend_coupon_value)]
    if values.referrer_reward == "coupon":
        coupons.append(("referrer", values.referrer_coupon_kind, values.referrer_coupon_value))
    return {f"{who}_coupon_value": [IMPLAUSIBLE_AMOUNT] for who, kind, value in coupons
            if kind == "fixed_amount" and not is_plausible_coupon_amount(value, currency)}


def save_settings(uow: UnitOfWork, shop_id: int, values: ReferralConfig, now: datetime) -> ReferralConfig:
    """Store the shop's referral settings (admin page); an implausible coupon amount is a 422 at its field."""
    with uow:
        shop = uow.session.get(Shop, shop_id)
        errors = implausible_coupons(values, shop.currency if shop is not None else None)
        if errors:
            raise InvalidInput("The input is not valid.", errors=errors)
        row = uow.session.get(ReferralSettings, shop_id) or ReferralSettings(shop_id=shop_id, extra={})
        for name, value in values.to_dict().items():
            setattr(row, name, value)
        row.updated_at = now
        uow.session.add(row)
        uow.commit()
    return values
