"""The shop's own name, currency and language, read from its platform after an install."""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.domain.errors import PlatformError, ShopNotFound
from app.domain.shops import currency_code, display_name, program_locale
from app.platforms.base import PlatformClient, ShopDetails
from app.repositories import ShopRepository
from app.security import SecretBox
from app.services.shops import credentials
from app.uow import UnitOfWork

log = logging.getLogger(__name__)


def refresh_shop_details(
    uow_factory: Callable[[], UnitOfWork], box: SecretBox, client: PlatformClient, shop_id: int, *,
    set_locale: bool,
) -> bool:
    """Read the shop's details through its Admin API and store them; False when the platform could not say.

    The call runs with no transaction open (read the credentials, call, then store in a transaction of its
    own). `set_locale` is for a first install: later the language is the merchant's choice in the admin page.
    """
    with uow_factory() as uow:
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is None:
            raise ShopNotFound(shop=str(shop_id))
        creds = credentials(shop, box)
    try:
        details = client.shop_details(creds)
    except PlatformError as exc:
        # The install stands; the shop keeps its domain as name and the default currency until the next install.
        log.warning("shop details not read: %s", exc, extra={"shop_id": shop_id})
        return False
    record_shop_details(uow_factory(), shop_id, details, set_locale=set_locale)
    return True


def record_shop_details(uow: UnitOfWork, shop_id: int, details: ShopDetails, *, set_locale: bool) -> None:
    """Store what the platform said; a value it did not give, or gave malformed, leaves the stored one."""
    with uow:
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is None:
            raise ShopNotFound(shop=str(shop_id))
        shop.name = display_name(details.name) or shop.name
        shop.currency = currency_code(details.currency) or shop.currency
        locale = program_locale(details.locale) if set_locale else None
        shop.locale = locale or shop.locale
        uow.commit()
    log.info("shop details stored", extra={"shop_id": shop_id})
