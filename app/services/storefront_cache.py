"""Per-process answers of the widget read (ETag and JSON bytes), forgotten when PostgreSQL says something changed.

A shopper opens 30–70 pages per order and each one reads the widget; nearly all of those reads find nothing
changed. This cache answers them (304, or 200 with the bytes built last time) without the database. It is
coherent through LISTEN/NOTIFY (app.db_notify; the triggers of migration 0002 notify "<shop_id>" for a
shop-wide change and "<shop_id>:<member_id>" for one shopper's) and it only trusts itself while the LISTEN
connection is up: `disable` on any loss (cleared, not used), `enable` once LISTEN is in place again (cleared
again: nothing missed in between can survive). Another process's write is seen here when its notification
arrives (sub-millisecond on one host); this process's own storefront actions evict their shopper at once.

No stale fill: a reader takes a `token` (the cache's generation and its shop's) before it reads the
database, and `put` installs only if no eviction of that shop (nor a clear) happened since. An entry also
remembers the shop row its request was verified with, so a request verified with another copy misses.
A TTL is the backstop for what no trigger sees (the calendar: the key has the day; nothing else is cached).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from app.db_notify import ListenGated

# (shop id, customer ref or "" for guests, the request's locale parameter, base URL, day of `now`)
ViewKey = tuple[int, str, str | None, str, str]
Token = tuple[int, int]


class CachedView(NamedTuple):
    """One answer: its ETag, the JSON bytes (None when only a 304 was answered), whose it is, for which shop row."""

    etag: str
    body: bytes | None
    member_id: int | None
    shop: tuple[Any, ...]  # ShopInfo.stored of the request that filled it
    expires: float  # time.monotonic()


class ShopperViews(ListenGated):
    """A bounded LRU of widget answers with a TTL; evicted per shop or per member by notifications."""

    MAX_ITEMS = 50_000
    TTL_SECONDS = 60.0

    def __init__(self, max_items: int = MAX_ITEMS, ttl: float = TTL_SECONDS) -> None:
        self._max_items = max_items
        self._ttl = ttl
        self._lock = threading.Lock()
        self._items: OrderedDict[ViewKey, CachedView] = OrderedDict()
        self._by_member: dict[tuple[int, int], set[ViewKey]] = {}
        self._by_shop: dict[int, set[ViewKey]] = {}
        self._generation = 0
        self._shop_generation: dict[int, int] = {}
        self._shop_listeners: list[Callable[[int | None], None]] = []
        self.enabled = False

    def on_shop_change(self, callback: Callable[[int | None], None]) -> None:
        """Call `callback(shop_id)` on a shop-wide eviction, `callback(None)` when everything is forgotten."""
        self._shop_listeners.append(callback)

    def get(self, key: ViewKey, shop: tuple[Any, ...]) -> CachedView | None:
        """The cached answer for `key` if it is usable now and was built for the same shop row."""
        if not self.enabled:
            return None
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            if hit.expires < time.monotonic() or not (hit.shop is shop or hit.shop == shop):
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return hit

    def token(self, shop_id: int) -> Token:
        """Taken before the database read whose result may be `put`."""
        return self._generation, self._shop_generation.get(shop_id, 0)

    def put(
        self, key: ViewKey, token: Token, etag: str, body: bytes | None, member_id: int | None, shop: tuple[Any, ...]
    ) -> bool:
        """Install an answer read after `token` was taken; refused (False) if anything of its shop was evicted since."""
        with self._lock:
            if not self.enabled or token != (self._generation, self._shop_generation.get(key[0], 0)):
                return False
            self._drop(key)
            self._items[key] = CachedView(etag, body, member_id, shop, time.monotonic() + self._ttl)
            self._by_shop.setdefault(key[0], set()).add(key)
            if member_id is not None:
                self._by_member.setdefault((key[0], member_id), set()).add(key)
            while len(self._items) > self._max_items:
                self._drop(next(iter(self._items)))
            return True

    def apply(self, payload: str) -> None:
        """A notification: "<shop_id>" (shop-wide), "<shop_id>:<member_id>", or "*" (everything); the widget
        reads no referrals, so "<shop_id>:referrals" (for the webhook's shop copies) changes nothing here."""
        shop, _, member = payload.partition(":")
        if member == "referrals" and shop.isdigit():
            return
        if not shop.isdigit() or (member and not member.isdigit()):
            self.clear()  # not ours to understand: forgetting everything is always safe
        elif member:
            self.evict_member(int(shop), int(member))
        else:
            self.evict_shop(int(shop))

    def evict_member(self, shop_id: int, member_id: int) -> None:
        """Forget one member's answers (every locale and URL)."""
        with self._lock:
            self._bump(shop_id)
            for key in list(self._by_member.get((shop_id, member_id), ())):
                self._drop(key)

    def evict_shopper(self, shop_id: int, customer_ref: str) -> None:
        """Forget a logged-in shopper's answers by their customer reference (this process's own writes)."""
        with self._lock:
            self._bump(shop_id)
            for key in [k for k in self._by_shop.get(shop_id, ()) if k[1] == customer_ref]:
                self._drop(key)

    def evict_shop(self, shop_id: int) -> None:
        """Forget every answer of a shop (its row, settings, rewards or tiers changed)."""
        with self._lock:
            self._bump(shop_id)
            for key in list(self._by_shop.get(shop_id, ())):
                self._drop(key)
        for callback in self._shop_listeners:
            callback(shop_id)

    def clear(self) -> None:
        """Forget everything (a TRUNCATE, an unknown payload)."""
        with self._lock:
            self._generation += 1
            self._items.clear()
            self._by_member.clear()
            self._by_shop.clear()
        for callback in self._shop_listeners:
            callback(None)

    def __len__(self) -> int:
        return len(self._items)

    def _bump(self, shop_id: int) -> None:
        self._shop_generation[shop_id] = self._shop_generation.get(shop_id, 0) + 1

    def _drop(self, key: ViewKey) -> None:
        view = self._items.pop(key, None)
        if view is None:
            return
        keys = self._by_shop.get(key[0])
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_shop[key[0]]
        if view.member_id is not None:
            keys = self._by_member.get((key[0], view.member_id))
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_member[(key[0], view.member_id)]
