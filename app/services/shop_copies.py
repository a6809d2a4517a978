"""The webhook's per-process copies of its shops, forgotten when PostgreSQL says a shop changed.

Every delivery needs its shop: the row (is it active, its locale and currency), every settings row the order
hooks read, and whether the shop has referrals still open (so the referral hook can skip its queries). They
change rarely and are read hundreds of times a second, so each web process keeps a copy per shop and asks the
database nothing. It is coherent through LISTEN/NOTIFY (app.db_notify): 0002's triggers notify "<shop_id>"
when the shop row or a settings row changes, 0007's "<shop_id>:referrals" when its referrals do; a member's
"<shop_id>:<member_id>" is not about the shop. It is trusted only while the LISTEN connection is up: cleared
and unused on any loss, started empty once LISTEN is in place again. A copy read before an eviction is not
installed after it (the generation taken before the read must still hold). Without PostgreSQL, or with the
caches switched off, nothing is kept and every delivery reads its shop (one statement).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.db_notify import ListenGated
from app.models import Shop
from app.repositories import ShopRepository, shop_settings
from app.repositories.shop_settings import OPEN_REFERRALS, SETTINGS_MODELS

ShopKey = tuple[str, str]  # (platform, domain)


@dataclass(frozen=True)
class ShopCopy:
    """One shop as a webhook's transaction sees it: its row and settings rows (transient copies) and the fact."""

    shop: Any
    settings: dict[Any, Any]
    open_referrals: bool


class ShopCopies(ListenGated):
    """Copies by (platform, domain); evicted per shop by notifications."""

    MAX_ITEMS = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[ShopKey, ShopCopy] = {}
        self._generation = 0
        self.enabled = False

    def get(self, key: ShopKey) -> ShopCopy | None:
        """The copy of a shop, if one is held and can be trusted now."""
        return self._items.get(key) if self.enabled else None

    def token(self) -> int:
        """Taken before the database read whose result may be `put`."""
        return self._generation

    def put(self, key: ShopKey, token: int, copy: ShopCopy) -> bool:
        """Keep a copy read after `token` was taken; refused (False) if anything was evicted since."""
        with self._lock:
            if not self.enabled or token != self._generation:
                return False
            if len(self._items) >= self.MAX_ITEMS:
                self._items.clear()
            self._items[key] = copy
            return True

    def apply(self, payload: str) -> None:
        """A notification: "<shop_id>" or "<shop_id>:referrals" evict the shop, a member's is ignored, else all."""
        shop, _, rest = payload.partition(":")
        if not shop.isdigit():
            self.clear()
        elif rest in ("", "referrals"):
            self.evict(int(shop))
        elif not rest.isdigit():
            self.clear()  # not ours to understand: forgetting everything is always safe

    def evict(self, shop_id: int) -> None:
        """Forget one shop's copy."""
        with self._lock:
            self._generation += 1
            for key in [key for key, copy in self._items.items() if copy.shop.id == shop_id]:
                del self._items[key]

    def clear(self) -> None:
        """Forget every copy."""
        with self._lock:
            self._generation += 1
            self._items.clear()


def find_shop(session: Session, copies: ShopCopies | None, platform: str, domain: str) -> Shop | None:
    """A delivery's shop, its settings and open-referrals fact remembered for this transaction (`shop_settings`):
    from this process's copy when one can be trusted, else read (`ShopRepository`) and kept. Read, don't change:
    the shop is a copy attached to no session."""
    key = (platform, domain)
    held = copies.get(key) if copies is not None else None
    if held is not None:
        shop_settings.remember(session, held.shop.id, {**held.settings, OPEN_REFERRALS: held.open_referrals})
        return held.shop  # type: ignore[no-any-return]
    token = copies.token() if copies is not None else 0
    shop = ShopRepository(session).get_by_domain_with_settings(platform, domain)
    if shop is not None and copies is not None:
        rows = {model: shop_settings.settings_row(session, model, shop.id) for model in SETTINGS_MODELS}
        open_referrals = bool(shop_settings.fact(session, OPEN_REFERRALS, shop.id))
        copies.put(key, token, ShopCopy(shop, rows, open_referrals))
    return shop
