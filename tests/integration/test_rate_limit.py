"""Token buckets behave the same in process and in Redis (a real redis-server on 127.0.0.1 when installed)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from app.clock import FixedClock
from app.rate_limit import InProcessLimiter, Limit, RateLimiter, RedisLimiter
from tests.conftest import START
from tests.support.net import free_port

LIMIT = Limit(capacity=3, per_second=0.5)



@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    redis = pytest.importorskip("redis")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=5)


@pytest.fixture(params=["in_process", "redis"])
def limiter(request: pytest.FixtureRequest, clock: FixedClock) -> RateLimiter:
    if request.param == "in_process":
        return InProcessLimiter(clock)
    import redis

    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    client.flushdb()
    return RedisLimiter(client, clock)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def test_a_full_bucket_allows_its_capacity_then_says_how_long_to_wait(limiter: RateLimiter) -> None:
    waits = [limiter.take("shopper:1", LIMIT) for _ in range(4)]

    assert waits == [0.0, 0.0, 0.0, 2.0]


def test_tokens_come_back_at_the_refill_rate(limiter: RateLimiter, clock: FixedClock) -> None:
    for _ in range(3):
        limiter.take("shopper:1", LIMIT)

    clock.advance(seconds=2)

    assert [limiter.take("shopper:1", LIMIT) for _ in range(2)] == [0.0, 2.0]


def test_buckets_are_separate_per_key(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.take("shopper:1", LIMIT)

    assert limiter.take("shopper:2", LIMIT) == 0.0
