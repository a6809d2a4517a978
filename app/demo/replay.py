"""The demo's history played at its own time: each delivery, and each worker cycle, with the clock set to then.

The product dates what it records by its clock (`now`): a member joins, a lot is credited and becomes
available, an email is scheduled and sent when the clock says. The demo sends its history through the real
webhook endpoint of an app whose clock it sets to each event's moment, and between events runs the worker's
time-driven jobs as a worker would have then (pending points mature, lots expire, reminders and emails go
out), for the demo shop only: other shops in the same database live in the present.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.clock import FixedClock
from app.container import Container
from app.demo.platform import DemoShopPlatform
from app.jobs.registry import dispatch_settings
from app.services.dispatch import dispatch_due
from app.services.points_jobs import expire_points, mature_pending_points, send_expiry_reminders
from app.services.review_requests import schedule_review_messages

# How often the simulated worker runs (the real one: every few seconds to hourly). Emails twice a day; points
# (pending ones maturing, lots expiring, expiry reminders) and review requests daily: an 18-month history costs
# ~1,100 short cycles, and an email goes out, a lot matures or expires, at most a cycle after its moment (their
# dates, available from and expires on, are the lot's own).
WORKER_EVERY = timedelta(hours=12)
DAILY_EVERY = 2  # cycles


def simulated_app(c: Container, clock: FixedClock) -> Any:
    """A Flask app on `c`'s settings and mailer that tells the time by `clock` (moved by `Replay`), its shop's
    Admin API played by `DemoShopPlatform`."""
    from app import create_app

    return create_app(dataclasses.asdict(c.settings), clock=clock, mailer=c.mailer,
                      platform_clients={"shopify": DemoShopPlatform()})


def worker_cycle(c: Container, shop_id: int, *, daily: bool) -> None:
    """What `loyalty worker` does to one shop's points and emails as time passes, at `c`'s clock."""
    now = c.clock.now()
    if daily:
        mature_pending_points(c.uow, now, shop_id=shop_id)
        expire_points(c.uow, now, shop_id=shop_id)
        send_expiry_reminders(c.uow, now, shop_id=shop_id)
        schedule_review_messages(c.uow, now, shop_id=shop_id)
    dispatch_due(c.uow, c.mailer, dispatch_settings(c, shop_id), now)


@dataclasses.dataclass
class Replay:
    """Moves the simulated clock forward, running a worker cycle every WORKER_EVERY on the way."""

    clock: FixedClock
    cycle: Callable[[bool], None]  # takes whether it is the day's cycle
    next_cycle: datetime
    cycles: int = 0

    def until(self, at: datetime) -> None:
        """Run the cycles due up to `at`, each at its own time, then stand the clock at `at`."""
        while self.next_cycle <= at:
            self.clock.set(self.next_cycle)
            self.cycle(self.cycles % DAILY_EVERY == 0)
            self.cycles += 1
            self.next_cycle += WORKER_EVERY
        self.clock.set(at)
