"""APScheduler wiring: one scheduler per worker process, never inside web workers."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.jobs.registry import JobSpec, job_specs

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
        result = spec.run(container)
    except Exception:  # noqa: BLE001
        log.exception("job failed", extra={"job": spec.id})
        return "failed"
    return f"ok {result}" if result is not None else "ok"
