"""The list of scheduled jobs: fixed ids, how often, and the one service each calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobSpec:
    """One recurring job."""

    id: str
    seconds: int
    run: Callable[[Any], object]  # takes the container


def _retry_inbox(c: Any) -> object:
    from app.services.inbox import retry_failed_deliveries

    return retry_failed_deliveries(c.uow, c.webhook_adapters, c.clock.now())


def job_specs() -> list[JobSpec]:
    """Every recurring job of the worker, in the order `--once` runs them."""
    return [
        JobSpec("retry_inbox", 60, _retry_inbox),
    ]
