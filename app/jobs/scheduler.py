"""APScheduler wiring: one scheduler per worker process, never inside web workers."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.jobs.registry import JobSpec, job_specs
from app.services.worklist import noting_limits

log = logging.getLogger(__name__)


def build_scheduler(container: Any, *, blocking: bool) -> BlockingScheduler | BackgroundScheduler:
    """A scheduler with every job: fixed ids, coalescing, one instance at a time, a misfire grace."""
    scheduler: BlockingScheduler | BackgroundScheduler = (
        BlockingScheduler(timezone="UTC") if blocking else BackgroundScheduler(timezone="UTC")
    )
    for spec in job_specs():
        scheduler.add_job(
            _guarded,
            "interval",
            seconds=spec.seconds,
            args=(spec, container),
            id=spec.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(30, spec.seconds),
        )
    return scheduler


def run_once(container: Any, only: tuple[str, ...] | None = None) -> dict[str, str]:
    """Run every job (or the ones named) once, in order (`loyalty worker --once`, cron, the demo, tests)."""
    return {spec.id: _guarded(spec, container) for spec in job_specs() if only is None or spec.id in only}


def _guarded(spec: JobSpec, container: Any) -> str:
    # A failing job must not stop the others or the scheduler; it is logged with its id and tried next cycle.
    try:
        with noting_limits() as limit_reached:
            result = spec.run(container)
    except Exception:  # noqa: BLE001
        log.exception("job failed", extra={"job": spec.id})
        return "failed"
    return outcome_line(spec, result, more_left=bool(limit_reached))


def outcome_line(spec: JobSpec, result: object, *, more_left: bool = False) -> str:
    """`ok 3 coupons expired`, `ok 2 pushed, 1 push retried`, `ok nothing due`: a job's result for a person, and
    `more remain` when it stopped at its per-run limit with work left."""
    if result is None:
        text = ""
    elif isinstance(result, int) and not isinstance(result, bool):
        one, several = spec.counted
        text = f"{result} {one if result == 1 else several}".rstrip()
    elif isinstance(result, dict):
        done = [f"{count} {name.replace('_', ' ')}" for name, count in result.items() if count]
        text = ", ".join(done) or "nothing due"
    else:
        text = str(result)  # the job's own summary (`1 shops checked, 1 verified, 0 still failing`)
    if more_left:
        text += "; stopped at its limit per run, more remain: the next run continues"
    return f"ok {text}" if text else "ok"
