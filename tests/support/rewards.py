"""Rewards test helpers: shops wired to the fake platforms, members with points, rewards, coupons, programmes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from app.container import Container
from app.domain.errors import PlatformUnavailable
from app.domain.tiers import TierDef, TierProgram
from app.models import Coupon, LedgerEntry, Member, ProgramSettings, Reward, RewardSettings, Shop
from app.platforms.base import CouponSpec, PlatformClient, PushedCoupon, ShopCredentials, ShopDetails
from app.platforms.shopify.admin import ShopifyAdminClient
from app.platforms.woocommerce.admin import WooCommerceAdminClient
from app.repositories import MemberRepository
from app.services import rewards, tiers
from app.services.rewards import RewardFields
from app.services.shops import NewShop, add_shop
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support.deliveries import deliver, member_by_email
from tests.support.snapshots import customer, order

FAST_TIMEOUT = (1.0, 0.3)  # (connect, read): a hanging fake is a timeout quickly


def no_sleep(_seconds: float) -> None:
    """The clients must not wait out a 429 in tests: the worker honours Retry-After instead."""


def shop_for(container: Container, platform: str, fake: FakeShopify | FakeWooCommerce, *,
             name: str | None = None, webhook_secret: str = "whsec") -> Shop:
    """A shop whose stored credentials the fake accepts (the Woo shop's URL is the fake's)."""
    creds = fake.credentials
    if platform == "shopify":
        new = NewShop("shopify", creds.domain, name=name or "Kaffeerösterei Müller", access_token=creds.access_token)
    else:
        new = NewShop("woocommerce", creds.domain, name=name or "Teeladen", webhook_secret=webhook_secret,
                      consumer_key=creds.consumer_key, consumer_secret=creds.consumer_secret)
    return add_shop(container.uow(), container.box, new, container.clock.now())


def client_for(platform: str, fake: FakeShopify | FakeWooCommerce) -> PlatformClient:
    """The real Admin API client, pointed at the fake server."""
    if platform == "shopify":
        return ShopifyAdminClient(api_base=fake.url, sleep=no_sleep, max_wait=0, timeout=FAST_TIMEOUT)
    return WooCommerceAdminClient(sleep=no_sleep, max_wait=0, timeout=FAST_TIMEOUT)


def buyer(n: int = 1) -> Any:
    """A shopper with a numeric customer id (Shopify restricts codes to `gid://shopify/Customer/<id>`)."""
    return customer(ref=str(7000 + n), email=f"kunde{n}@example.de")


def member_with_points(container: Container, shop: Shop, points: int, n: int = 1, at: datetime | None = None,
                       ref: str | None = None) -> Member:
    """A member who earned `points` through one paid order (1 point per euro)."""
    who = buyer(n)
    deliver(container, shop, order(ref or f"50{n}{points}", at=at or container.clock.now(),
                                   merchandise=f"{points}.00", shipping="0.00", buyer=who))
    return member_by_email(container, shop, who.email)


def member(container: Container, shop: Shop, member_id: int) -> Member:
    """The member as stored now."""
    with container.uow() as uow:
        found = MemberRepository(uow.session, shop.id).get(member_id)
        assert found is not None
        return found


def add_reward(container: Container, shop: Shop, points_cost: int = 500, kind: str = "fixed_amount",
               value: str = "5.00", minimum_order: str | None = "20.00", validity_days: int = 30) -> Reward:
    """A reward in the shop's catalogue."""
    fields = RewardFields(kind=kind, points_cost=points_cost, value=Decimal(value),
                          minimum_order=Decimal(minimum_order) if minimum_order else None,
                          validity_days=validity_days)
    return rewards.create_reward(container.uow(), shop.id, fields, container.clock.now())


def coupons(container: Container, shop: Shop) -> list[Coupon]:
    """Every coupon of the shop, oldest first."""
    with container.uow() as uow:
        return list(uow.session.scalars(select(Coupon).where(Coupon.shop_id == shop.id).order_by(Coupon.id)))


def entries(container: Container, shop: Shop, kind: str | None = None) -> list[LedgerEntry]:
    """Ledger rows of the shop (of one kind), oldest first."""
    with container.uow() as uow:
        query = select(LedgerEntry).where(LedgerEntry.shop_id == shop.id)
        if kind:
            query = query.where(LedgerEntry.kind == kind)
        return list(uow.session.scalars(query.order_by(LedgerEntry.id)))


def set_program_settings(container: Container, shop: Shop, **values: Any) -> None:
    """Change the core program settings directly (pending days, expiry policy)."""
    with container.uow() as uow:
        uow.session.execute(update(ProgramSettings).where(ProgramSettings.shop_id == shop.id).values(**values))
        uow.commit()


def set_reward_settings(container: Container, shop: Shop, **values: Any) -> None:
    """Save reward settings through the service (validated)."""
    rewards.save_reward_settings(container.uow(), shop.id, values, container.clock.now())


def update_coupon(container: Container, coupon_id: int, **values: Any) -> None:
    with container.uow() as uow:
        uow.session.execute(update(Coupon).where(Coupon.id == coupon_id).values(**values))
        uow.commit()


def reward_settings_row(container: Container, shop: Shop) -> RewardSettings | None:
    with container.uow() as uow:
        return uow.session.get(RewardSettings, shop.id)


def tier(key: str, name: str, threshold: str, **kw: Any) -> TierDef:
    return TierDef(key, name, Decimal(threshold), **kw)


def bronze_silber_gold(basis: str = "spend", period: str = "lifetime", grace_days: int = 0,
                       **gold: Any) -> TierProgram:
    """Bronze from 0, Silber from 100, Gold from 500 (money or points)."""
    return TierProgram(basis, period, grace_days, (  # type: ignore[arg-type]
        tier("bronze", "Bronze", "0"),
        tier("silber", "Silber", "100", multiplier=Decimal("1.5")),
        tier("gold", "Gold", "500", multiplier=Decimal("2"), **gold),
    ))


def save_program(container: Container, shop: Shop, program: TierProgram) -> None:
    tiers.save_tier_program(container.uow(), shop.id, program, container.clock.now())


class RecordingPlatform:
    """An in-memory `PlatformClient`: records codes, can fail with PlatformUnavailable on demand."""

    def __init__(self, unavailable: int = 0) -> None:
        self.codes: dict[str, CouponSpec] = {}
        self.calls: list[str] = []
        self.deactivated: list[str] = []
        self.consents: list[str] = []
        self.unavailable = unavailable
        self.lock = threading.Lock()

    def create_coupon(self, shop: ShopCredentials, coupon: CouponSpec) -> PushedCoupon:
        with self.lock:
            self.calls.append(coupon.code)
            if self.unavailable:
                self.unavailable -= 1
                raise PlatformUnavailable("fake outage", retry_after=None)
            self.codes.setdefault(coupon.code, coupon)
        return PushedCoupon(platform_ref=f"ref-{coupon.code}")

    def deactivate_coupon(self, shop: ShopCredentials, platform_ref: str) -> None:
        with self.lock:
            self.deactivated.append(platform_ref)

    def find_coupon(self, shop: ShopCredentials, code: str) -> str | None:
        with self.lock:
            return f"ref-{code}" if code in self.codes else None

    def orders_changed_since(self, shop: ShopCredentials, since: datetime) -> Iterator[Any]:
        return iter(())

    def register_webhooks(self, shop: ShopCredentials, topics: Any, secret: str | None) -> None:
        return None

    def shop_details(self, shop: ShopCredentials) -> ShopDetails:
        return ShopDetails(name="Recording Shop", currency="EUR", locale="de")

    def record_marketing_consent(self, shop: ShopCredentials, customer_ref: str, consented_at: datetime) -> None:
        with self.lock:
            self.consents.append(customer_ref)
