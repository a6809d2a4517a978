"""The demo shop's Admin API while its history is replayed: a stand-in that accepts every code the shoppers
redeem, as a shop would, and has nothing else to say (no orders to pull, no webhooks to register).

The demo shop is connected to it only during the replay (see `app.demo.shop.connected_for_replay`): there is
no real shop behind the demo's domain for the worker to call afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from app.platforms.base import CouponSpec, OrderSnapshot, PushedCoupon, ShopCredentials, ShopDetails


class DemoShopPlatform:
    """A `PlatformClient` that creates every code at once."""

    def create_coupon(self, shop: ShopCredentials, coupon: CouponSpec) -> PushedCoupon:
        return PushedCoupon(platform_ref=f"demo-{coupon.code}")

    def deactivate_coupon(self, shop: ShopCredentials, platform_ref: str) -> None:
        return None

    def find_coupon(self, shop: ShopCredentials, code: str) -> str | None:
        return f"demo-{code}"

    def orders_changed_since(self, shop: ShopCredentials, since: datetime) -> Iterator[OrderSnapshot]:
        return iter(())

    def register_webhooks(self, shop: ShopCredentials, topics: Mapping[str, str], secret: str | None) -> None:
        return None

    def shop_details(self, shop: ShopCredentials) -> ShopDetails:
        return ShopDetails(name="Kaffeerösterei Müller (Demo)", currency="EUR", locale="de")

    def record_marketing_consent(self, shop: ShopCredentials, customer_ref: str, consented_at: datetime) -> None:
        return None
