"""Shops and their settings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, Text, bindparam, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.domain.shops import normalise_shop_ref
from app.models import ProgramSettings, Referral, Shop
from app.repositories import shop_settings
from app.repositories.base import row_id
from app.repositories.shop_settings import OPEN_REFERRALS, SETTINGS_MODELS

OPEN_STATUSES = ("pending", "ordered", "flagged")  # referrals that may still change with an order


class ShopRepository:
    """Shops are the tenants: the only repository not scoped by a shop."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, shop_id: int) -> Shop | None:
        return self.session.get(Shop, shop_id)

    def get_by_domain(self, platform: str, domain: str) -> Shop | None:
        return self.session.scalars(select(Shop).where(Shop.platform == platform, Shop.domain == domain)).first()

    def get_by_domain_with_settings(self, platform: str, domain: str) -> Shop | None:
        """The shop with every settings row and whether it has open referrals (webhooks), to read, not to change.

        The rows are remembered for this transaction (`shop_settings`), so the order hooks read none again. On
        PostgreSQL one prebuilt statement reads a fingerprint of the shop row and of each settings row; when
        they match the copies this process loaded before, the copies are used (nothing else is read), else
        everything comes again in one statement. Elsewhere everything comes in one statement every time. The
        shop returned is a copy attached to no session: a caller that changes the shop loads it itself.
        """
        params = {"platform": platform, "domain": domain}
        if self.session.get_bind().dialect.name != "postgresql":
            return self._load_with_settings(params)
        row = sql.first(self.session, _FINGERPRINTS, params)
        if row is None:
            return None
        shop_id, *fingerprints, open_referrals = row
        rows = shop_settings.shared(shop_id, tuple(fingerprints))
        if rows is None:
            return self._load_with_settings(params, share=True)
        shop_settings.remember(self.session, shop_id, {**rows, OPEN_REFERRALS: open_referrals})
        return rows[Shop]  # type: ignore[no-any-return]

    def _load_with_settings(self, params: dict[str, str], share: bool = False) -> Shop | None:
        row = self.session.execute(_shop_with_settings(share), params).first()
        if row is None:
            return None
        shop, *rows = row
        open_referrals = rows.pop()
        loaded: dict[Any, Any] = {Shop: shop, **dict(zip(SETTINGS_MODELS, rows[: len(SETTINGS_MODELS)], strict=True))}
        if share:
            loaded = shop_settings.share(shop.id, tuple(rows[len(SETTINGS_MODELS) :]), loaded)
        shop_settings.remember(self.session, shop.id, {**loaded, OPEN_REFERRALS: open_referrals})
        return loaded[Shop]  # type: ignore[no-any-return]

    def find(self, ref: str) -> Shop | None:
        """A shop by id, domain or URL, as an operator types it on the command line."""
        if ref.isdigit():
            number = row_id(ref)
            return None if number is None else self.get(number)
        return self.session.scalars(select(Shop).where(Shop.domain == normalise_shop_ref(ref))).first()

    def list(self) -> Sequence[Shop]:
        return self.session.scalars(select(Shop).order_by(Shop.id)).all()

    def settings(self, shop_id: int) -> ProgramSettings:
        settings = shop_settings.settings_row(self.session, ProgramSettings, shop_id)
        if settings is None:
            raise LookupError(f"shop {shop_id} has no program settings")
        return settings

    def settings_for_update(self, shop_id: int) -> ProgramSettings | None:
        """The program settings row locked, read fresh: its `extra` holds several areas' settings (analytics,
        the connection state), so each read-modify-write of it must hold the row."""
        return self.session.scalars(
            select(ProgramSettings)
            .where(ProgramSettings.shop_id == shop_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()

    def add(self, shop: Shop) -> Shop:
        self.session.add(shop)
        self.session.flush()
        self.session.add(ProgramSettings(shop_id=shop.id, extra={}))
        self.session.flush()
        return shop


def _open_referrals() -> Any:
    return (
        exists()
        # Equalities, not IN (…): an IN list of literals is expanded when run, which prebuilt statements are not.
        .where(Referral.shop_id == Shop.id, or_(*(Referral.status == status for status in OPEN_STATUSES)))
        .label("open_referrals")
    )


def _fingerprints() -> list[Any]:
    # md5 of the shop row and of each settings row as PostgreSQL prints it (NULL when the shop has none):
    # equal text, equal row.
    return [func.md5(literal_column("shops").cast(Text))] + [
        select(func.md5(literal_column(model.__table__.name).cast(Text)))  # type: ignore[attr-defined]
        .where(model.shop_id == Shop.id)
        .correlate(Shop)
        .scalar_subquery()
        for model in SETTINGS_MODELS
    ]


# The webhook path's lookup: only the shop's id, the fingerprints and the open-referrals fact.
_FINGERPRINTS = sql.Statement(lambda _: select(Shop.id, *_fingerprints(), _open_referrals()).where(
    Shop.platform == bindparam("platform"), Shop.domain == bindparam("domain")))


@cache
def _shop_with_settings(fingerprinted: bool = False) -> Select[Any]:
    # The shop and every settings row (outer joins by primary key), with their fingerprints when they are to
    # be shared, and the open-referrals fact last.
    stmt = select(Shop, *SETTINGS_MODELS, *(_fingerprints() if fingerprinted else ()), _open_referrals())
    # The shop's fingerprint comes first among them; it is the row of the shop itself (FROM shops).
    for model in SETTINGS_MODELS:
        stmt = stmt.outerjoin(model, model.shop_id == Shop.id)
    return stmt.where(Shop.platform == bindparam("platform"), Shop.domain == bindparam("domain"))
