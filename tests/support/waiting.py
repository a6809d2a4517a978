"""Waiting for something another thread does (a notification crossing, a listener reconnecting)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

WAIT_SECONDS = 2.0  # a notification crosses in well under a millisecond; this only bounds a failing test


def wait_until(condition: Callable[[], Any], seconds: float = WAIT_SECONDS) -> Any:
    """Poll `condition` until it is truthy (returned), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("not within the wait")
        time.sleep(0.005)
    return result
