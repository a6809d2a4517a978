"""A shop's connection check: whether a call with its keys has succeeded, when to try again, when to give up."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
# A store down for three days is not coming back by itself; the merchant is told, the banner stays.
GIVE_UP_AFTER = timedelta(days=3)
ERROR_LIMIT = 300
SHORTEST_SECRET = 4  # shorter "secrets" would blank out ordinary words of the store's answer

# Keys WooCommerce issues (`ck_…`, `cs_…`) and OAuth 1.0a query parameters, wherever a store echoes them.
_KEY_LIKE = re.compile(r"\b(c[ks]_)[A-Za-z0-9]+")
# How the platform clients write a store's answer into an error ("GET /webhooks: HTTP 503").
_HTTP_STATUS = re.compile(r"\bHTTP \d{3}\b")
_SECRET_PARAMS = re.compile(r"\b(oauth_[a-z_]+|consumer_key|consumer_secret|access_token)=[^&\s\"']+", re.I)


@dataclass(frozen=True)
class ConnectionState:
    """Unverified from a failed call with the shop's keys until one succeeds (webhooks registered).

    `since` is the first failure of this spell, `attempts` counts the failures; `gave_up` stops the worker's
    automatic retries (a retry from the admin page is still possible).
    """

    verified: bool = True
    reason: str | None = None
    error: str = ""
    since: datetime | None = None
    attempts: int = 0
    last_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None
    gave_up: bool = False
    store_reachable_at: datetime | None = None

    def is_due(self, now: datetime) -> bool:
        """The worker should try again now."""
        if self.verified or self.gave_up:
            return False
        return self.next_attempt_at is None or self.next_attempt_at <= now


VERIFIED = ConnectionState()


def unchecked(now: datetime) -> ConnectionState:
    """A shop registered with keys that nothing has tried yet (the command line): due for the check at once."""
    return ConnectionState(verified=False, reason="not_checked", since=now, next_attempt_at=now)


def not_connected() -> ConnectionState:
    """A shop without credentials: nothing to retry until it is installed or connected again."""
    return ConnectionState(verified=False, reason="not_connected")


def failed_attempt(state: ConnectionState, reason: str, error: str, now: datetime, *,
                   fresh: bool = False) -> ConnectionState:
    """The state after a failed call: backoff doubles from FIRST_RETRY up to LONGEST_RETRY; after
    GIVE_UP_AFTER since the first failure the worker stops. `fresh` (a new install) starts a new spell."""
    since = now if fresh or state.verified or state.since is None else state.since
    attempts = 1 if fresh or state.verified else state.attempts + 1
    delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
    return ConnectionState(
        verified=False, reason=reason, error=error[:ERROR_LIMIT], since=since, attempts=attempts,
        last_attempt_at=now, next_attempt_at=now + delay, gave_up=now - since >= GIVE_UP_AFTER,
        store_reachable_at=None if fresh else state.store_reachable_at,
    )


def store_reachable(state: ConnectionState, now: datetime) -> ConnectionState:
    """Another call with the keys (an order sync) succeeded: the store is back, so try again at once."""
    if state.verified:
        return state
    return replace(state, store_reachable_at=now, next_attempt_at=now)


def scrubbed(text: str, secrets: Iterable[str | None]) -> str:
    """`text` without the given secrets, key-like tokens or credential query parameters (for storage and logs)."""
    for secret in sorted((s for s in secrets if s and len(s) >= SHORTEST_SECRET), key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)
    return _KEY_LIKE.sub(lambda m: f"{m.group(1)}***", text)


def store_answered(state: ConnectionState) -> bool:
    """Whether the store answered the last failed call at all (the error names an HTTP status), rather than
    not being reached (no connection, timed out): the admin page says "no answer" then."""
    return _HTTP_STATUS.search(state.error) is not None


def to_json(state: ConnectionState) -> dict[str, Any]:
    """The state as stored (datetimes as ISO-8601 text)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(state).items()}


def from_json(raw: dict[str, Any] | None) -> ConnectionState:
    """The stored state; nothing stored means verified (shops from before the check)."""
    if not raw:
        return VERIFIED
    fields = {k: v for k, v in raw.items() if k in ConnectionState.__dataclass_fields__}
    for name in ("since", "last_attempt_at", "next_attempt_at", "store_reachable_at"):
        if fields.get(name):
            fields[name] = datetime.fromisoformat(fields[name])
    return ConnectionState(**fields)
