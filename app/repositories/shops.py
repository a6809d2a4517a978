"""Shops and their settings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.shops import normalise_shop_ref
from app.models import ProgramSettings, Shop


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
        """The shop, with its program settings loaded into the session in the same round trip (webhooks)."""
        row = self.session.execute(
            select(Shop, ProgramSettings)
            .outerjoin(ProgramSettings, ProgramSettings.shop_id == Shop.id)
            .where(Shop.platform == platform, Shop.domain == domain)
        ).first()
        if row is None:
            return None
        if row[1] is not None:
            # The identity map holds objects weakly: keep the settings for `settings()` in this session.
            self.session.info.setdefault("program_settings", {})[row[0].id] = row[1]
        return row[0]

    def find(self, ref: str) -> Shop | None:
        """A shop by id, domain or URL, as an operator types it on the command line."""
        if ref.isdigit():
            return self.get(int(ref))
        return self.session.scalars(select(Shop).where(Shop.domain == normalise_shop_ref(ref))).first()

    def list(self) -> Sequence[Shop]:
        return self.session.scalars(select(Shop).order_by(Shop.id)).all()

    def settings(self, shop_id: int) -> ProgramSettings:
        settings = self.session.info.get("program_settings", {}).get(shop_id)
        if settings is None:
            settings = self.session.get(ProgramSettings, shop_id)
        if settings is None:
            raise LookupError(f"shop {shop_id} has no program settings")
        return settings

    def add(self, shop: Shop) -> Shop:
        self.session.add(shop)
        self.session.flush()
        self.session.add(ProgramSettings(shop_id=shop.id, extra={}))
        self.session.flush()
        return shop
