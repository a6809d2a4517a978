"""Shops and their settings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, Text, bindparam, exists, func, literal_column, select
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
        return self.session.scalars(select(Shop).where(Shop.platform == platform, Shop.domain == domain)).first()

    def get_by_domain_with_settings(self, platform: str, domain: str) -> Shop | None:
        """The shop with every settings row and whether it has open referrals (webhooks).

        The rows are remembered for this transaction (`shop_settings`), so the order hooks read none again. On
        PostgreSQL the shop comes with a fingerprint of each settings row and the rows themselves only when the
        process's shared copies no longer match; elsewhere everything comes in one statement.
        """
        params = {"platform": platform, "domain": domain}
        if self.session.get_bind().dialect.name != "postgresql":
            return self._load_with_settings(params)
        row = self.session.execute(_shop_with_fingerprints(), params).first()
        if row is None:
            return None
        shop, *fingerprints, open_referrals = row
        rows = shop_settings.shared(shop.id, tuple(fingerprints))
        if rows is None:
            return self._load_with_settings(params, share=True)
        shop_settings.remember(self.session, shop.id, {**rows, OPEN_REFERRALS: open_referrals})
        return shop  # type: ignore[no-any-return]

    def _load_with_settings(self, params: dict[str, str], share: bool = False) -> Shop | None:
        row = self.session.execute(_shop_with_settings(share), params).first()
        if row is None:
            return None
        shop, *rows = row
        open_referrals = rows.pop()
        loaded = dict(zip(SETTINGS_MODELS, rows[: len(SETTINGS_MODELS)], strict=True))
        if share:
            shop_settings.share(shop.id, tuple(rows[len(SETTINGS_MODELS) :]), loaded)
        shop_settings.remember(self.session, shop.id, {**loaded, OPEN_REFERRALS: open_referrals})
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


def _open_referrals() -> Any:
    return (
        exists()
        .where(Referral.shop_id == Shop.id, Referral.status.in_(("pending", "ordered", "flagged")))
        .label("open_referrals")
    )


def _fingerprints() -> list[Any]:
    # md5 of each settings row as PostgreSQL prints it (NULL when the shop has none): equal text, equal row.
    return [
        select(func.md5(literal_column(model.__table__.name).cast(Text)))  # type: ignore[attr-defined]
        .where(model.shop_id == Shop.id)
        .correlate(Shop)
        .scalar_subquery()
        for model in SETTINGS_MODELS
    ]


@cache
def _shop_with_fingerprints() -> Select[Any]:
    # Built once: the webhook path only binds the two values.
    return select(Shop, *_fingerprints(), _open_referrals()).where(
        Shop.platform == bindparam("platform"), Shop.domain == bindparam("domain")
    )


@cache
def _shop_with_settings(fingerprinted: bool = False) -> Select[Any]:
    # The shop and every settings row (outer joins by primary key), with their fingerprints when they are to
    # be shared, and the open-referrals fact last.
    stmt = select(Shop, *SETTINGS_MODELS, *(_fingerprints() if fingerprinted else ()), _open_referrals())
    for model in SETTINGS_MODELS:
        stmt = stmt.outerjoin(model, model.shop_id == Shop.id)
    return stmt.where(Shop.platform == bindparam("platform"), Shop.domain == bindparam("domain"))
