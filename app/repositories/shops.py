"""Shops and their settings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.orm import Session

from app.domain.shops import normalise_shop_ref
from app.models import ProgramSettings, Referral, Shop
from app.repositories import shop_settings
from app.repositories.shop_settings import OPEN_REFERRALS, SETTINGS_MODELS


class ShopRepository:
    """Shops are the tenants: the only repository not scoped by a shop."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, shop_id: int) -> Shop | None:
        return self.session.get(Shop, shop_id)

    def get_by_domain(self, platform: str, domain: str) -> Shop | None:
        return self.session.scalars(
            select(Shop).where(Shop.platform == platform, Shop.domain == domain)
        ).first()

    def get_by_domain_with_settings(self, platform: str, domain: str) -> Shop | None:
        """The shop with every settings row and whether it has open referrals, in one round trip (webhooks).

        The rows are remembered for this transaction (`shop_settings`), so the order hooks read none again.
        """
        row = self.session.execute(_shop_with_settings(), {"platform": platform, "domain": domain}).first()
        if row is None:
            return None
        shop, *rows, open_referrals = row
        shop_settings.remember(
            self.session, shop.id, {**dict(zip(SETTINGS_MODELS, rows, strict=True)), OPEN_REFERRALS: open_referrals}
        )
        return shop  # type: ignore[no-any-return]

    def find(self, ref: str) -> Shop | None:
        """A shop by id, domain or URL, as an operator types it on the command line."""
        if ref.isdigit():
            return self.get(int(ref))
        return self.session.scalars(select(Shop).where(Shop.domain == normalise_shop_ref(ref))).first()

    def list(self) -> Sequence[Shop]:
        return self.session.scalars(select(Shop).order_by(Shop.id)).all()

    def settings(self, shop_id: int) -> ProgramSettings:
        settings = shop_settings.settings_row(self.session, ProgramSettings, shop_id)
        if settings is None:
            raise LookupError(f"shop {shop_id} has no program settings")
        return settings

    def add(self, shop: Shop) -> Shop:
        self.session.add(shop)
        self.session.flush()
        self.session.add(ProgramSettings(shop_id=shop.id, extra={}))
        self.session.flush()
        return shop


@cache
def _shop_with_settings() -> Select[Any]:
    # Built once: the webhook path only binds the two values.
    stmt = select(
        Shop,
        *SETTINGS_MODELS,
        exists()
        .where(Referral.shop_id == Shop.id, Referral.status.in_(("pending", "ordered", "flagged")))
        .label("open_referrals"),
    )
    for model in SETTINGS_MODELS:
        stmt = stmt.outerjoin(model, model.shop_id == Shop.id)
    return stmt.where(Shop.platform == bindparam("platform"), Shop.domain == bindparam("domain"))
