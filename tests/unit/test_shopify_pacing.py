"""How long a sync waits between Shopify REST pages, from the call-limit header."""

from __future__ import annotations

import pytest

from app.platforms.shopify.pacing import pause_before_next_call


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        (None, 0.0),
        ("", 0.0),
        ("garbage", 0.0),
        ("1/40", 0.0),
        ("32/40", 0.0),  # a fifth of the bucket still free
        ("33/40", 0.5),  # one call over the mark, leaking 2 per second
        ("40/40", 4.0),
        ("72/80", 2.0),  # Advanced: 80 leaking 4 per second, mark at 64
        ("400/400", 4.0),  # Plus: 400 leaking 20 per second, mark at 320
    ],
)
def test_the_wait_lets_the_bucket_leak_down_to_four_fifths(header: str | None, wait: float) -> None:
    assert pause_before_next_call(header) == wait
