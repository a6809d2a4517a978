"""Token-bucket rate limits for the storefront: in this process, or shared through Redis (LOYALTY_REDIS_URL)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from app.clock import Clock


@dataclass(frozen=True)
class Limit:
    """`capacity` requests at once, refilled at `per_second`."""

    capacity: int
    per_second: float


class RateLimiter(Protocol):
    def take(self, key: str, limit: Limit) -> float:
        """Take one token: 0 when allowed, else the seconds until the next token (the Retry-After)."""
        ...


def refill(tokens: float, last: float, now: float, limit: Limit) -> float:
    """Tokens in a bucket last seen at `last` with `tokens`, at `now`."""
    return min(float(limit.capacity), tokens + max(0.0, now - last) * limit.per_second)


def wait_for_token(tokens: float, limit: Limit) -> float:
    """Seconds until a bucket holding `tokens` (< 1) has one again."""
    return max(1.0, math.ceil((1.0 - tokens) / limit.per_second))


class InProcessLimiter:
    """Buckets in a dict guarded by a lock: right for one web instance (`loyalty run`, a single gunicorn)."""

    MAX_KEYS = 50_000

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str, limit: Limit) -> float:
        now = self._clock.now().timestamp()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(limit.capacity), now))
            tokens = refill(tokens, last, now, limit)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return wait_for_token(tokens, limit)
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.MAX_KEYS:
                self._forget_full(now, limit)
            return 0.0

    def _forget_full(self, now: float, limit: Limit) -> None:
        # Buckets idle long enough to be full again carry no information.
        idle = limit.capacity / limit.per_second
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < idle}


# Refill, take and store atomically on the Redis server; keys expire once they would be full again.
_LUA = """
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local capacity = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return {allowed, tostring(tokens)}
"""


class RedisLimiter:
    """The same buckets in Redis, so every web instance shares them."""

    def __init__(self, client: Any, clock: Clock, prefix: str = "loyalty:rl:") -> None:
        self._script = client.register_script(_LUA)
        self._clock = clock
        self._prefix = prefix

    def take(self, key: str, limit: Limit) -> float:
        now = self._clock.now().timestamp()
        allowed, tokens = self._script(keys=[self._prefix + key], args=[limit.capacity, limit.per_second, now])
        if int(allowed):
            return 0.0
        return wait_for_token(float(tokens), limit)


def build_limiter(redis_url: str, clock: Clock) -> RateLimiter:
    """Redis-backed when a URL is configured (needs the `redis` extra), else in-process."""
    if not redis_url:
        return InProcessLimiter(clock)
    import redis

    return RedisLimiter(redis.Redis.from_url(redis_url), clock)
