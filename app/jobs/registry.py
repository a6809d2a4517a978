"""The list of scheduled jobs: fixed ids, how often, and the one service each calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class JobSpec:
    """One recurring job."""

    id: str
    seconds: int
    run: Callable[[Any], object]  # takes the container
    counted: tuple[str, str] = ("", "")  # what a count it returns counts: one, several ("coupon expired", ...)


def _retry_inbox(c: Any) -> object:
    from app.services.inbox import retry_failed_deliveries

    processed, failing = retry_failed_deliveries(c.uow, c.webhook_adapters, c.clock.now())
    return {"processed": processed, "still failing": failing}


def _settle_referrals(c: Any) -> object:
    from app.services.referrals import settle_referrals

    return settle_referrals(c.uow, c.clock.now())


def _award_birthdays(c: Any) -> object:
    from app.services.earning_events import award_birthdays

    return award_birthdays(c.uow, c.clock.now())


def _run_campaigns(c: Any) -> object:
    from app.services.campaigns import run_campaigns

    return run_campaigns(c.uow, c.clock.now())


def _mature_pending_points(c: Any) -> object:
    from app.services.points_jobs import mature_pending_points

    return mature_pending_points(c.uow, c.clock.now())


def _expire_points(c: Any) -> object:
    from app.services.points_jobs import expire_points

    return expire_points(c.uow, c.clock.now())


def _remind_expiring_points(c: Any) -> object:
    from app.services.points_jobs import send_expiry_reminders

    return send_expiry_reminders(c.uow, c.clock.now())


def _evaluate_tiers(c: Any) -> object:
    from app.services.tier_changes import evaluate_tiers

    return evaluate_tiers(c.uow, c.clock.now())


def _retry_coupon_pushes(c: Any) -> object:
    from app.services.coupons import retry_coupon_pushes

    return retry_coupon_pushes(c.uow, c.platform_client, c.box, c.clock.now())


def _expire_coupons(c: Any) -> object:
    from app.services.coupon_lifecycle import expire_coupons

    return expire_coupons(c.uow, c.clock.now())


def _schedule_review_requests(c: Any) -> object:
    from app.services.review_requests import schedule_review_messages

    return schedule_review_messages(c.uow, c.clock.now())


def dispatch_settings(c: Any, shop_id: int | None = None) -> Any:
    """The dispatcher's settings from the container's (`shop_id`: that shop's messages only, as the demo sends)."""
    from app.services.dispatch import DispatchSettings
    from app.services.email_content import LinkBase

    return DispatchSettings(sender=c.settings.mail_from,
                            links=LinkBase(c.settings.public_url, c.settings.secret_key),
                            lease=timedelta(seconds=c.settings.outbox_lease_seconds), shop_id=shop_id)


def _dispatch_outbox(c: Any) -> object:
    from app.services.dispatch import dispatch_due

    return dispatch_due(c.uow, c.mailer, dispatch_settings(c), c.clock.now(), should_stop=c.stopping.is_set)


def _purge_uninstalled_shops(c: Any) -> object:
    from app.services.privacy import purge_uninstalled_shops

    return purge_uninstalled_shops(c.uow, c.clock.now())


def _push_marketing_consents(c: Any) -> object:
    from app.services.marketing_consent import push_consents

    return push_consents(c.uow, c.platform_client, c.box, c.clock.now())


def _reconcile_orders(c: Any) -> object:
    from app.services.reconciliation import outcome_summary, reconcile_orders

    return outcome_summary(reconcile_orders(c.uow, c.platform_client, c.box, c.clock, c.settings.public_url))


def _check_connections(c: Any) -> object:
    from app.services.connection_checks import check_connections

    return check_connections(c.uow, c.platform_client, c.box, c.settings.public_url, c.clock.now())


def _itemise_refunds(c: Any) -> object:
    from app.services.refund_items import itemise_refunds

    return itemise_refunds(c.uow, c.platform_client, c.box, c.clock).summary()


def job_specs() -> list[JobSpec]:
    """Every recurring job of the worker, in the order `--once` runs them."""
    return [
        JobSpec("retry_inbox", 60, _retry_inbox),
        JobSpec("purge_uninstalled_shops", 3600, _purge_uninstalled_shops, ("shop purged", "shops purged")),
        JobSpec("run_campaigns", 30, _run_campaigns, ("campaign batch run", "campaign batches run")),
        JobSpec("settle_referrals", 900, _settle_referrals, ("referral settled", "referrals settled")),
        # Hourly: idempotent, and catches a missed day.
        JobSpec("award_birthdays", 3600, _award_birthdays, ("birthday awarded", "birthdays awarded")),
        # Coupons written inside order transactions (thank-you, tier entry) are pushed by this job: every 30 s.
        JobSpec("retry_coupon_pushes", 30, _retry_coupon_pushes),
        # Newsletter opt-ins from the widget, recorded at the shop as email marketing consent.
        JobSpec("push_marketing_consents", 60, _push_marketing_consents,
                ("consent push settled", "consent pushes settled")),
        JobSpec("mature_pending_points", 300, _mature_pending_points,
                ("member's pending points matured", "members' pending points matured")),
        JobSpec("expire_points", 3600, _expire_points, ("member's points expired", "members' points expired")),
        JobSpec("remind_expiring_points", 3600, _remind_expiring_points, ("reminder queued", "reminders queued")),
        JobSpec("evaluate_tiers", 3600, _evaluate_tiers, ("member's tier evaluated", "members' tiers evaluated")),
        JobSpec("expire_coupons", 3600, _expire_coupons, ("coupon expired", "coupons expired")),
        # Missed webhooks (WooCommerce never retries one) are repaired within one cycle of this job.
        JobSpec("reconcile_orders", 600, _reconcile_orders),
        # Shops whose store was unreachable or refused the keys at install: webhooks registered once it answers
        # (after the sync, which makes an unverified shop due at once when it reached the store).
        JobSpec("check_connections", 120, _check_connections),
        # WooCommerce's order payload has only refund totals: their lines are fetched, then points reconciled.
        JobSpec("itemise_refunds", 180, _itemise_refunds),
        JobSpec("schedule_review_requests", 300, _schedule_review_requests),
        # Last, so that `--once` sends what the jobs above just enqueued.
        JobSpec("dispatch_outbox", 10, _dispatch_outbox),
    ]


def job_ids() -> list[str]:
    """The names `loyalty worker --once --job` accepts, in run order."""
    return [spec.id for spec in job_specs()]
