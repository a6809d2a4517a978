"""Refunds known only by their total (WooCommerce's order payload) get their lines from the platform's API.

The worker's job reads a bounded batch of such refunds per shop, fetches each order's refunds with no
transaction open, then per order, under the order lock: writes the refunded lines, shipping and taxes, marks
the refunds itemised and reconciles the order, so the ledger posts the difference between the pro rata guess
and the exact reversal (a shipping-only refund gives its points back). Two workers may fetch the same order;
only the first to take the lock finds the refunds still unitemised, the second changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select

from app.clock import Clock
from app.domain.errors import MalformedPayload, PlatformNotConnected, PlatformRejected, PlatformUnavailable
from app.domain.snapshots import RefundSnapshot
from app.models import OrderRefund, Shop
from app.platforms.base import ShopCredentials
from app.repositories import OrderRepository, ShopRepository
from app.repositories.order_records import OrderRecords
from app.security import SecretBox
from app.services.orders import reconcile_order
from app.services.shops import credentials
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

BATCH = 200  # refunds per shop and run; the next run continues with the rest


class RefundSource(Protocol):
    """The part of a platform client that lists an order's refunds with their lines."""

    def refunds(self, shop: ShopCredentials, order_ref: str) -> list[RefundSnapshot]:
        """Every refund the shop has for the order, itemised; empty for an order it no longer has."""
        ...


@dataclass
class ItemisingOutcome:
    """What one run did, over all shops."""

    shops: int = 0
    orders: int = 0
    refunds: int = 0  # refunds marked itemised
    points: int = 0  # net points posted by the reconciliations (positive: given back)
    deferred: int = 0  # shops whose remaining refunds wait for the next run (platform unavailable or refusing)

    def summary(self) -> str:
        """One line for the worker's log."""
        return (f"{self.shops} shops, {self.orders} orders, {self.refunds} refunds itemised, "
                f"{self.points:+d} points, {self.deferred} shops deferred")


@dataclass(frozen=True)
class _Batch:
    shop_id: int
    platform: str
    creds: ShopCredentials
    pending: dict[str, frozenset[str]]  # order ref → refund refs waiting, in the order they were refunded


def itemise_refunds(
    uow_factory: Callable[[], UnitOfWork], refund_source: Callable[[str], RefundSource], box: SecretBox,
    clock: Clock, *, batch: int = BATCH,
) -> ItemisingOutcome:
    """Worker job: give every active shop's unitemised refunds their lines and reconcile their orders."""
    with uow_factory() as uow:
        shop_ids = list(uow.session.scalars(
            select(OrderRefund.shop_id).join(Shop, Shop.id == OrderRefund.shop_id)
            .where(~OrderRefund.itemised, Shop.status == "active").distinct().order_by(OrderRefund.shop_id)
        ))
    outcome = ItemisingOutcome()
    for shop_id in shop_ids:
        work = _read_batch(uow_factory(), box, shop_id, batch)
        if work is not None:
            outcome.shops += 1
            _itemise_shop(uow_factory, refund_source(work.platform), work, clock, outcome)
    if outcome.shops:
        log.info("refunds itemised: %s", outcome.summary(), extra={"job": "itemise_refunds"})
    return outcome


def _read_batch(uow: UnitOfWork, box: SecretBox, shop_id: int, limit: int) -> _Batch | None:
    with uow:
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is None or not shop.is_active:
            return None
        pending: dict[str, set[str]] = {}
        for order_ref, refund_ref in OrderRepository(uow.session, shop_id).unitemised_refunds(limit):
            pending.setdefault(order_ref, set()).add(refund_ref)
        frozen = {order_ref: frozenset(refs) for order_ref, refs in pending.items()}
        return _Batch(shop_id, shop.platform, credentials(shop, box), frozen)


def _itemise_shop(
    uow_factory: Callable[[], UnitOfWork], source: RefundSource, work: _Batch, clock: Clock,
    outcome: ItemisingOutcome,
) -> None:
    context: dict[str, object] = {"shop_id": work.shop_id}
    for order_ref, refund_refs in work.pending.items():
        context["order_ref"] = order_ref
        try:
            fetched = source.refunds(work.creds, order_ref)  # no transaction is open here
        except PlatformNotConnected:
            log.info("refunds not itemised: the shop is not connected", extra=context)
            return
        except (PlatformUnavailable, PlatformRejected) as exc:
            # One answer for the whole shop (rate limit, outage, revoked keys): the rest waits for the next run.
            retry_after = getattr(exc, "retry_after", None)
            log.warning("refunds not itemised: %s", exc, extra={**context, "retry_after": retry_after})
            outcome.deferred += 1
            return
        except MalformedPayload as exc:
            log.warning("refunds not itemised: unreadable answer %s", exc.details, extra=context)
            continue
        by_ref = {refund.refund_ref: refund for refund in fetched}
        try:
            itemised, points = _apply(uow_factory(), work.shop_id, order_ref, refund_refs, by_ref, clock.now())
        except Exception:  # noqa: BLE001 - one order must not stop the others; it is tried again next run
            log.exception("refunds not itemised: the order could not be updated", extra=context)
            continue
        outcome.orders += itemised > 0
        outcome.refunds += itemised
        outcome.points += points


def _apply(
    uow: UnitOfWork, shop_id: int, order_ref: str, refund_refs: frozenset[str],
    fetched: dict[str, RefundSnapshot], now: datetime,
) -> tuple[int, int]:
    """Under the order lock: itemise the refunds read before the fetch (a newer one waits for its own fetch);
    one the shop no longer lists was deleted there and keeps what it had. Returns (refunds, points posted)."""
    with uow:
        shop = ShopRepository(uow.session).get(shop_id)
        order = OrderRecords(uow.session, shop_id).lock(order_ref)
        if shop is None or order is None:
            return 0, 0
        refunds = OrderRepository(uow.session, shop_id).unitemised_refunds_of(order)
        rows = [row for row in refunds if row.refund_ref in refund_refs]
        if not rows:
            return 0, 0  # another worker was first
        for row in rows:
            refund = fetched.get(row.refund_ref)
            if refund is None:
                log.info("refund no longer listed by the shop; kept as it was",
                         extra={"shop_id": shop_id, "order_ref": order_ref, "refund_ref": row.refund_ref})
            else:
                row.lines_amount, row.lines_tax = refund.lines_amount, refund.lines_tax
                row.shipping, row.shipping_tax = refund.shipping, refund.shipping_tax
            row.itemised = True  # `total` stays: the money refunded, as the order snapshot said
        before = order.points_earned
        uow.session.flush()  # the refunds' new lines, for the reconciliation's own read of them
        reconcile_order(uow.session, shop, order, now, refunds_changed=True)
        points = order.points_earned - before
        uow.commit()
        return len(rows), points
