"""One HTTP policy for the shops' Admin APIs: timeouts, 429 Retry-After, failures mapped to domain errors."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import requests

from app.domain.errors import PlatformRejected, PlatformUnavailable

__all__ = ["DEFAULT_TIMEOUT", "Timeout", "call", "retry_after_seconds"]

Timeout = float | tuple[float, float]
DEFAULT_TIMEOUT: tuple[float, float] = (3.0, 10.0)  # (connect, read) seconds
MAX_TRIES = 3
DEFAULT_RETRY_AFTER = 1.0  # what Shopify's own clients wait when the header is missing
MESSAGE_LIMIT = 500


def call(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: Timeout = DEFAULT_TIMEOUT,
    max_wait: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> requests.Response:
    """Send one request; wait out short 429s, raise `PlatformUnavailable`/`PlatformRejected` for the rest.

    Only 429 is retried here, and only while the total wait stays within `max_wait`: 5xx, timeouts and
    connection errors go straight back to the caller, whose job retries later with backoff.
    """
    waited = 0.0
    for attempt in range(1, MAX_TRIES + 1):
        response = _send(session, method, url, timeout, kwargs)
        if response.status_code != 429:
            return _checked(response)
        delay = retry_after_seconds(response)
        if attempt == MAX_TRIES or waited + delay > max_wait:
            break
        sleep(delay)
        waited += delay
    raise PlatformUnavailable(f"{method} {_path(url)}: rate limited (429)", retry_after=delay)


def json_object(response: requests.Response) -> dict[str, Any]:
    """The response's JSON object; an answer that is not one (an HTML error page, a proxy's text) is a
    transient platform failure, not a crash."""
    try:
        body = response.json()
    except ValueError as exc:
        raise PlatformUnavailable(f"{_path(response.url)}: the answer is not JSON") from exc
    if not isinstance(body, dict):
        raise PlatformUnavailable(f"{_path(response.url)}: the answer is not a JSON object")
    return body


def retry_after_seconds(response: requests.Response, default: float = DEFAULT_RETRY_AFTER) -> float:
    """The `Retry-After` header as seconds (Shopify sends fractional values such as `2.0`)."""
    try:
        return max(float(response.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return default


def _send(
    session: requests.Session, method: str, url: str, timeout: Timeout, kwargs: dict[str, Any]
) -> requests.Response:
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise PlatformUnavailable(f"{method} {_path(url)}: timed out") from exc
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        raise PlatformUnavailable(f"{method} {_path(url)}: connection failed") from exc


def _checked(response: requests.Response) -> requests.Response:
    status = response.status_code
    where = f"{response.request.method} {_path(response.url)}"
    if status >= 500:
        retry_after = retry_after_seconds(response) if "Retry-After" in response.headers else None
        raise PlatformUnavailable(f"{where}: HTTP {status}", retry_after=retry_after)
    if status >= 400:
        message, code = _platform_message(response)
        raise PlatformRejected(f"{where}: HTTP {status}: {message}", status=status, code=code)
    return response


def _platform_message(response: requests.Response) -> tuple[str, str | None]:
    """Shopify answers `{"errors": …}`; WooCommerce (WP REST) answers `{"code": …, "message": …}`."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:MESSAGE_LIMIT], None
    if isinstance(body, dict):
        if "message" in body:
            code = body.get("code")
            return str(body["message"])[:MESSAGE_LIMIT], str(code) if code is not None else None
        if "errors" in body:
            return json.dumps(body["errors"])[:MESSAGE_LIMIT], None
        if "error" in body:
            return str(body.get("error_description") or body["error"])[:MESSAGE_LIMIT], str(body["error"])
    return json.dumps(body)[:MESSAGE_LIMIT], None


def _path(url: str) -> str:
    """The URL without its query string: OAuth1 signatures and tokens must not end up in messages or logs."""
    return url.split("?", 1)[0]
