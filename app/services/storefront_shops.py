"""The storefront's per-process copy of shops: found by the `shop` a request claims, checked by every read."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from app.security import SecretBox


class ShopChanged(Exception):  # noqa: N818 - a signal to verify again, not an error anyone sees
    """The shop's stored row differs from the copy the request was verified with: verify against the database."""


@dataclass(frozen=True)
class ShopInfo:
    """A shop as the storefront uses it: plain values, safe to share between threads and requests."""

    id: int
    platform: str
    domain: str
    name: str
    currency: str
    locale: str
    status: str
    own_secret: str | None = field(repr=False)  # the shop's webhook secret (WooCommerce signs with it)
    stored: tuple[Any, ...] = field(repr=False)  # queries_storefront.SHOP_COLUMNS as loaded

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @classmethod
    def from_row(cls, row: tuple[Any, ...], box: SecretBox) -> ShopInfo:
        """From (id, *SHOP_COLUMNS); the secret is decrypted once per copy, not per request."""
        shop_id, *stored = row
        platform, domain, name, currency, locale, status, secret_enc = stored
        secret = box.decrypt(secret_enc) if secret_enc else None
        return cls(shop_id, platform, domain, name, currency, locale, status, secret, tuple(stored))


class ShopDirectory:
    """Active shops by the reference requests claim (one per process, in the container's ports).

    A copy is only trusted together with the read that follows verification: `shopper_state` returns the
    shop's row as stored, and any difference (secret, status, name, ...) raises `ShopChanged`, so the request
    is verified again against the database (an edit or an uninstall is seen by the next request).
    """

    MAX_ITEMS = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, ShopInfo] = {}

    def get(self, ref: str) -> ShopInfo | None:
        return self._items.get(ref)

    def put(self, ref: str, shop: ShopInfo) -> None:
        with self._lock:
            if len(self._items) >= self.MAX_ITEMS:
                self._items.clear()
            self._items[ref] = shop

    def forget(self, ref: str) -> None:
        with self._lock:
            self._items.pop(ref, None)

    def forget_shop(self, shop_id: int | None) -> None:
        """Drop the copies of a shop (every reference it was claimed by); None: drop every copy.

        Called for the storefront cache's shop-wide notifications: a cached answer is not preceded by a
        database read that would see the change, so the copy must go as soon as the change is known."""
        with self._lock:
            if shop_id is None:
                self._items.clear()
                return
            for ref in [ref for ref, shop in self._items.items() if shop.id == shop_id]:
                del self._items[ref]
