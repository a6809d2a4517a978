"""Order reconciliation (DESIGN §4.7): pull the orders changed since the last sync and apply them like webhooks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from app.clock import Clock
from app.domain.errors import Conflict, LoyaltyError, NotFound, PlatformError, ShopNotFound
from app.domain.snapshots import OrderSnapshot
from app.models import Member, Shop, SyncRepair, SyncRun
from app.platforms.base import PlatformClient, ShopCredentials
from app.repositories import ShopRepository
from app.repositories.order_records import OrderRecords
from app.security import SecretBox
from app.services import connection, install
from app.services.orders import apply_order_snapshot
from app.services.shops import credentials
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

# Shopify's updated_at_min is inclusive, WooCommerce's modified_after exclusive, and both index updates
# with a lag: re-reading a few minutes is free (snapshots are idempotent), missing one is not.
OVERLAP = timedelta(minutes=5)
LEASE = timedelta(minutes=30)  # a run unfinished for this long belongs to a dead worker
MAX_ORDERS = 10_000  # per run; the next run continues where this one stopped
ERRORS_KEPT = 20
QUIET_RUNS_KEPT = timedelta(days=30)  # runs that repaired nothing and failed nothing are purged after this

PlatformFor = Callable[[str], PlatformClient]


class SyncRunNotFound(NotFound):
    reason = "sync_run_not_found"
    message = "Unknown sync run."


class SyncAlreadyRunning(Conflict):
    reason = "sync_running"
    message = "A sync of this shop is running already."


@dataclass(frozen=True)
class SyncOutcome:
    """What one run did."""

    run_id: int
    shop_id: int
    status: str
    pulled: int
    repaired: int
    errors: list[dict[str, Any]]


@dataclass
class _Progress:
    pulled: int = 0
    repaired: int = 0
    applied_to: datetime | None = None  # updated_at of the last order applied before the first failure
    broken: bool = False  # an order failed or the pull stopped early: do not jump to the run's start
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def fail(self, exc: Exception, order_ref: str | None = None) -> None:
        self.broken = True
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(_describe(exc, order_ref))


@dataclass(frozen=True)
class _Claim:
    run_id: int
    platform: str
    since: datetime
    started_at: datetime
    creds: ShopCredentials


def reconcile_orders(
    uow_factory: Callable[[], UnitOfWork], platform_client: PlatformFor, box: SecretBox, clock: Clock,
    public_url: str | None = None,
) -> list[SyncOutcome]:
    """Sync every active shop with Admin API credentials once (the worker job); a shop another worker is
    syncing is skipped. A shop without credentials (a demo, a half-finished install) has nothing to pull from:
    the job leaves it alone instead of recording a refused run every cycle; a manual sync still reports it.
    With `public_url`, a shop whose sync repaired orders has its webhooks registered again (`_register_again`)."""
    has_credentials = Shop.access_token_enc.is_not(None) | Shop.consumer_key_enc.is_not(None)
    with uow_factory() as uow:
        shops = uow.session.execute(
            select(Shop.id, Shop.platform).where(Shop.status == "active", has_credentials).order_by(Shop.id)
        ).all()
    outcomes = []
    for shop_id, platform in shops:
        try:
            outcome = sync_shop(uow_factory, platform_client, box, clock, shop_id)
        except (SyncAlreadyRunning, ShopNotFound):
            log.info("sync skipped: running elsewhere or shop gone", extra={"shop_id": shop_id})
            continue
        outcomes.append(outcome)
        if outcome.repaired and public_url:
            _register_again(uow_factory, platform_client(platform), box, shop_id, public_url, clock.now())
    return outcomes


def _register_again(uow_factory: Callable[[], UnitOfWork], client: PlatformClient, box: SecretBox, shop_id: int,
                    public_url: str, now: datetime) -> None:
    # Deliveries went missing, and a platform drops a subscription that kept failing: Shopify deletes one made
    # through the Admin API after 8 failures in a row (PLATFORMS §1.3), WooCommerce disables a webhook after 5-7
    # and never switches it back on (§4.3); from then on only this job would bring the shop's orders, up to ten
    # minutes late. Registering is idempotent (what exists is kept, a disabled webhook is switched back on); a
    # failure is recorded on the shop's connection like any registration's, and the connection check retries it.
    try:
        install.register_webhooks(uow_factory, box, client, shop_id, public_url, now)
    except PlatformError:
        log.warning("webhooks not registered again after a sync repaired orders", extra={"shop_id": shop_id})


def sync_shop(
    uow_factory: Callable[[], UnitOfWork], platform_client: PlatformFor, box: SecretBox, clock: Clock,
    shop_id: int, *, trigger: str = "job", actor: str | None = None, max_orders: int = MAX_ORDERS,
) -> SyncOutcome:
    """Pull one shop's changed orders and apply each in its own transaction, like a webhook; no network
    call runs inside a transaction. Repairs are recorded with the change; errors end up on the run."""
    claim = _claim(uow_factory(), box, shop_id, trigger, actor, clock.now())
    progress = _Progress()
    try:
        for snap in platform_client(claim.platform).orders_changed_since(claim.creds, claim.since):
            if progress.pulled >= max_orders:
                progress.broken = True
                break
            progress.pulled += 1
            _apply_one(uow_factory, shop_id, claim.run_id, snap, clock.now(), progress)
    except PlatformError as exc:
        log.warning("sync stopped by the platform", extra={"shop_id": shop_id, "error": str(exc)})
        progress.fail(exc)
    except Exception as exc:  # noqa: BLE001 - an unreadable page ends the run, which must still be finished
        log.exception("sync stopped", extra={"shop_id": shop_id})
        progress.fail(exc)
    return _finish(uow_factory(), shop_id, claim, progress, clock.now())


def list_runs(uow: UnitOfWork, shop_id: int, limit: int = 50, repaired_only: bool = False) -> dict[str, Any]:
    """The shop's last sync and its runs, newest first."""
    query = select(SyncRun).where(SyncRun.shop_id == shop_id)
    if repaired_only:
        query = query.where(SyncRun.repaired > 0)
    with uow:
        shop = ShopRepository(uow.session).get(shop_id)
        runs = list(uow.session.scalars(query.order_by(SyncRun.id.desc()).limit(limit)))
        return {"last_synced_at": shop.last_synced_at if shop else None, "runs": runs}


def get_run(uow: UnitOfWork, shop_id: int, run_id: int) -> dict[str, Any]:
    """One run of the shop with the orders it repaired (404 for another shop's run)."""
    with uow:
        run = uow.session.scalars(select(SyncRun).where(SyncRun.shop_id == shop_id, SyncRun.id == run_id)).first()
        if run is None:
            raise SyncRunNotFound(id=run_id)
        rows = uow.session.execute(
            select(SyncRepair, Member.email)
            .outerjoin(Member, (Member.id == SyncRepair.member_id) & (Member.shop_id == shop_id))
            .where(SyncRepair.shop_id == shop_id, SyncRepair.run_id == run_id)
            .order_by(SyncRepair.id)
        ).all()
        repairs = [_repair_row(repair, email) for repair, email in rows]
        return {**{c.key: getattr(run, c.key) for c in SyncRun.__table__.columns}, "repairs": repairs}


def _claim(
    uow: UnitOfWork, box: SecretBox, shop_id: int, trigger: str, actor: str | None, now: datetime
) -> _Claim:
    # The shop row lock serialises two workers' claims; it is released before any network call.
    with uow:
        shop = uow.session.scalars(select(Shop).where(Shop.id == shop_id).with_for_update()).first()
        if shop is None or not shop.is_active:
            raise ShopNotFound(shop_id=shop_id)
        running = uow.session.scalars(
            select(SyncRun.id).where(
                SyncRun.shop_id == shop_id, SyncRun.finished_at.is_(None), SyncRun.started_at > now - LEASE
            )
        ).first()
        if running is not None:
            raise SyncAlreadyRunning(run_id=running)
        since = (shop.last_synced_at or shop.installed_at) - OVERLAP
        run = SyncRun(
            shop_id=shop_id, trigger=trigger, actor=actor, status="running", started_at=now, since=since,
            pulled=0, repaired=0, error_count=0, errors=[],
        )
        uow.session.add(run)
        uow.session.flush()
        claim = _Claim(run.id, shop.platform, since, now, credentials(shop, box))
        uow.commit()
        return claim


def _apply_one(
    uow_factory: Callable[[], UnitOfWork], shop_id: int, run_id: int, snap: OrderSnapshot, now: datetime,
    progress: _Progress,
) -> None:
    try:
        changed = _apply_snapshot(uow_factory(), shop_id, run_id, snap, now)
    except Exception as exc:  # noqa: BLE001 - one bad order must not stop the others; it stays on the run
        log.exception("sync could not apply an order", extra={"shop_id": shop_id, "order_ref": snap.order_ref})
        progress.fail(exc, snap.order_ref)
        return
    progress.repaired += changed
    if not progress.broken:
        progress.applied_to = max(filter(None, (progress.applied_to, snap.updated_at)))


def _apply_snapshot(uow: UnitOfWork, shop_id: int, run_id: int, snap: OrderSnapshot, now: datetime) -> bool:
    """The webhook's own path, under the order lock; True (and a repair row) when the order's points changed."""
    with uow:
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is None or not shop.is_active:
            return False
        existing = OrderRecords(uow.session, shop_id).lock(snap.order_ref)
        before = existing.points_earned if existing is not None else 0
        order = apply_order_snapshot(uow.session, shop, snap, now)
        changed = order.points_earned != before
        if changed:
            uow.session.add(
                SyncRepair(
                    shop_id=shop_id, run_id=run_id, order_ref=snap.order_ref[:64], order_name=order.name[:64],
                    member_id=order.member_id, points_before=before, points_after=order.points_earned,
                    repaired_at=now,
                )
            )
        uow.commit()
        return changed


def _finish(uow: UnitOfWork, shop_id: int, claim: _Claim, progress: _Progress, now: datetime) -> SyncOutcome:
    synced_to = claim.started_at if not progress.broken else progress.applied_to
    if synced_to is not None:
        synced_to = min(synced_to, claim.started_at)  # a platform clock ahead of ours never skips orders
    status = "failed" if progress.error_count else "ok"
    with uow:
        run = uow.session.get(SyncRun, claim.run_id)
        assert run is not None
        run.status, run.finished_at, run.synced_to = status, now, synced_to
        run.pulled, run.repaired = progress.pulled, progress.repaired
        run.error_count, run.errors = progress.error_count, progress.errors
        shop = uow.session.scalars(select(Shop).where(Shop.id == shop_id).with_for_update()).first()
        if shop is not None and synced_to is not None:
            shop.last_synced_at = max(filter(None, (shop.last_synced_at, synced_to)))
        if shop is not None and not progress.error_count:
            connection.note_store_reachable(uow.session, shop_id, now)  # the keys work: register webhooks now
        _purge_quiet_runs(uow, shop_id, now)
        uow.commit()
    log.info(
        "sync finished",
        extra={"shop_id": shop_id, "run_id": claim.run_id, "pulled": progress.pulled,
               "repaired": progress.repaired, "errors": progress.error_count},
    )
    return SyncOutcome(claim.run_id, shop_id, status, progress.pulled, progress.repaired, progress.errors)


def _purge_quiet_runs(uow: UnitOfWork, shop_id: int, now: datetime) -> None:
    uow.session.execute(
        delete(SyncRun).where(
            SyncRun.shop_id == shop_id, SyncRun.started_at < now - QUIET_RUNS_KEPT, SyncRun.repaired == 0,
            SyncRun.error_count == 0, SyncRun.finished_at.is_not(None),
        )
    )


def _describe(exc: Exception, order_ref: str | None) -> dict[str, Any]:
    reason = exc.reason if isinstance(exc, LoyaltyError) else "order_failed"
    return {
        "reason": reason,
        "detail": f"{type(exc).__name__}: {exc}"[:500],
        "order_ref": order_ref,
        "retry_after": getattr(exc, "retry_after", None),
    }


def _repair_row(repair: SyncRepair, email: str | None) -> dict[str, Any]:
    return {
        "order_ref": repair.order_ref, "order_name": repair.order_name, "member_id": repair.member_id,
        "member_email": email, "points_before": repair.points_before, "points_after": repair.points_after,
        "repaired_at": repair.repaired_at,
    }


def outcome_summary(outcomes: Sequence[SyncOutcome]) -> str:
    """One line for the worker's log: shops synced, orders pulled and repaired, runs with errors."""
    pulled = sum(o.pulled for o in outcomes)
    repaired = sum(o.repaired for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    return f"{len(outcomes)} shops, {pulled} orders pulled, {repaired} repaired, {failed} with errors"
