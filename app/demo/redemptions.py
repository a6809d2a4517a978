"""Shoppers of the demo's history who turn points into a code before an order, and use it in that order.

Through the storefront's own endpoints, as the widget calls them (signed App Proxy requests, as the shopper):
`GET /proxy/customer` says which rewards the shopper can afford now; `POST /proxy/redeem` spends the points and
creates the code (at `DemoShopPlatform`); the order then arrives with the code in its `discount_codes`, and
the product marks the coupon used. A discounted order may later be refunded like any other (the goods at what
the shopper paid for them); none is cancelled, which would leave the shopper's code spent on nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.clock import FixedClock
from app.demo.history import DemoOrder
from app.platforms.app_proxy import signed_query

REDEEM_SHARE = 0.6  # of the orders a shopper could use a reward for, how many they redeem one for


@dataclass
class Redeemer:
    """Redeems, for a shopper about to order, the dearest reward they can afford and the order allows."""

    client: Any  # the replayed app's test client
    shop_domain: str
    secret: str  # the app's API secret: Shopify signs App Proxy requests with it
    clock: FixedClock
    rng: random.Random

    def before(self, order: DemoOrder) -> None:
        """Maybe redeem a reward for `order` (about to be placed), and put its code on the order."""
        shopper = order.shopper
        if shopper.customer_id is None or order.fate == "cancelled":
            return
        usable = [r for r in self._rewards(str(shopper.customer_id)) if _fits(r, order.gross)]
        if not usable or self.rng.random() >= REDEEM_SHARE:
            return
        reward = max(usable, key=lambda r: r["points_cost"])
        answer = self.client.post(self._url("redeem", str(shopper.customer_id)), json={"reward_id": reward["id"]},
                                  environ_overrides={"REMOTE_ADDR": _address(shopper.customer_id)})
        code = (answer.get_json(silent=True) or {}).get("code") if answer.status_code == 201 else None
        if code:
            order.discount = (code, reward["kind"], Decimal(reward["value"]))

    def _rewards(self, customer_ref: str) -> list[dict[str, Any]]:
        answer = self.client.get(self._url("customer", customer_ref),
                                 environ_overrides={"REMOTE_ADDR": _address(int(customer_ref))})
        body = answer.get_json(silent=True) or {}
        return [r for r in body.get("rewards") or [] if r.get("affordable")]

    def _url(self, path: str, customer_ref: str) -> str:
        return f"/proxy/{path}?{signed_query(self.shop_domain, self.secret, self.clock.now(), customer_ref)}"


def _fits(reward: dict[str, Any], gross: Decimal) -> bool:
    minimum = reward.get("minimum_order")
    return minimum is None or gross >= Decimal(minimum)


def _address(customer_id: int) -> str:
    # each shopper from an address of their own, as they would browse (the storefront limits per shopper)
    return f"10.{customer_id >> 16 & 255}.{customer_id >> 8 & 255}.{customer_id & 255}"
