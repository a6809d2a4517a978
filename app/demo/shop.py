"""The demo's shop: installed with a programme as a coffee roaster would run it (points pending for the returns
period and expiring after a year, a catalogue of rewards, VIP tiers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from app.container import Container
from app.domain.tiers import TierDef, TierProgram, TierTranslation
from app.models import Shop
from app.repositories import ShopRepository
from app.services.admin_settings import update_settings
from app.services.rewards import RewardFields, create_reward
from app.services.shops import NewShop, add_shop
from app.services.tiers import save_tier_program

DEMO_SHOP = "demo-kaffeeroesterei.myshopify.com"
DEMO_PROGRAM = {"pending_days": 14, "expiry_policy": "per_lot", "expiry_months": 12, "expiry_reminder_days": 14}
# A catalogue and VIP tiers as a coffee roaster would set them up: members climb by what they spend in a rolling
# year (upgrades at the order that reaches a tier) and earn more per euro above Bronze.
DEMO_REWARDS = (
    RewardFields(kind="free_shipping", points_cost=300, value=Decimal("0"), name_de="Gratisversand",
                 name_en="Free shipping"),
    RewardFields(kind="fixed_amount", points_cost=500, value=Decimal("5.00"), minimum_order=Decimal("20.00")),
    RewardFields(kind="percentage", points_cost=900, value=Decimal("10"), name_de="10 % auf die nächste Bestellung",
                 name_en="10% off your next order"),
)
DEMO_TIERS = TierProgram("spend", "rolling_12m", 30, (
    TierDef("bronze", "Bronze", Decimal("0"), perks=("Punkte auf jeden Einkauf",),
            translations=(TierTranslation("en", "Bronze", ("Points on every purchase",)),)),
    TierDef("silber", "Silber", Decimal("150"), Decimal("1.25"), perks=("+25 % Punkte", "Früher Zugang zu Raritäten"),
            translations=(TierTranslation("en", "Silver", ("+25% points", "Early access to rare coffees")),)),
    TierDef("gold", "Gold", Decimal("400"), Decimal("1.5"), entry_bonus_points=200,
            perks=("+50 % Punkte", "Gratisversand ab dem ersten Euro"),
            translations=(TierTranslation("en", "Gold", ("+50% points", "Free shipping on every order")),)),
))


def demo_shop(c: Container, opened: datetime) -> Shop:
    """The demo shop; a new one is installed at `opened` with a programme as shops run it (points pending for
    the returns period, each lot expiring after a year)."""
    with c.uow() as uow:
        existing = ShopRepository(uow.session).get_by_domain("shopify", DEMO_SHOP)
    if existing is not None:
        return existing
    new = NewShop(
        "shopify",
        DEMO_SHOP,
        name="Kaffeerösterei Müller (Demo)",
        currency="EUR",
        locale="de",
    )
    shop = add_shop(c.uow(), c.box, new, opened)
    update_settings(c.uow(), shop.id, DEMO_PROGRAM, actor="demo", now=opened)
    for fields in DEMO_REWARDS:
        create_reward(c.uow(), shop.id, fields, opened)
    save_tier_program(c.uow(), shop.id, DEMO_TIERS, opened)
    return shop


@contextmanager
def connected_for_replay(c: Container, shop_id: int) -> Iterator[None]:
    """The demo shop connected to `DemoShopPlatform` (an access token) while its history is replayed, so its
    shoppers can redeem; unconnected again afterwards, so no worker calls a shop that is not there."""
    _set_token(c, shop_id, c.box.encrypt("demo-replay"))
    try:
        yield
    finally:
        _set_token(c, shop_id, None)


def _set_token(c: Container, shop_id: int, token: str | None) -> None:
    with c.uow() as uow:
        shop = ShopRepository(uow.session).get(shop_id)
        assert shop is not None
        shop.access_token_enc = token
        uow.commit()
