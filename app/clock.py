"""The clock port: services get `now` from here (or from tests), never from datetime directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Aware UTC wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to (tests, simulations, the demo's history)."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, **delta: float) -> datetime:
        self._at = self._at + timedelta(**delta)
        return self._at


def iso_z(at: datetime | None) -> str | None:
    """A UTC moment as the JSON APIs write it ("2026-12-07T10:15:00Z"); None stays None."""
    return at.isoformat().replace("+00:00", "Z") if at else None
