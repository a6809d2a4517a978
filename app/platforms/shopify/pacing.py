"""Pacing REST calls by Shopify's leaky bucket, so that a long sync never runs into 429s.

Every REST answer carries `X-Shopify-Shop-Api-Call-Limit: used/size` for this app and shop. The bucket leaks
at size / 20 calls per second (40 and 2/s on standard plans, 80 and 4/s on Advanced, 400 and 20/s on Plus). A
sync paging through a shop's orders keeps a fifth of the bucket free for the app's other calls (coupon pushes
from the web tier, installs) by waiting, before its next page, until the bucket has leaked down to that mark.
"""

from __future__ import annotations

CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
SECONDS_TO_DRAIN = 20  # a full bucket leaks empty in 20 s on every plan
FREE_SHARE = 5  # keep size / 5 calls free


def pause_before_next_call(call_limit: str | None) -> float:
    """Seconds to wait before the next REST call, from the last answer's call-limit header (0 if absent)."""
    used, size = _parse(call_limit)
    if size <= 0:
        return 0.0
    mark = size - max(1, size // FREE_SHARE)
    over = used - mark
    return round(over / (size / SECONDS_TO_DRAIN), 3) if over > 0 else 0.0


def _parse(call_limit: str | None) -> tuple[int, int]:
    try:
        used, size = (call_limit or "").split("/", 1)
        return int(used), int(size)
    except ValueError:
        return 0, 0
