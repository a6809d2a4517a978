"""`loyalty demo --url`: the history sent to a running server over HTTP, and what that server answered."""

from __future__ import annotations

import json
import re
from typing import Any

import click
import requests

from app.demo.shop import DEMO_SHOP
from app.security import hmac_sha256_base64

TIMEOUT = 10  # seconds per request
# What the answers mean when they are not `processed` (webhooks.py: the outcomes of a delivery).
NOTES = {
    "duplicate": "already known to the server: its demo shop already has a demo history with these ids (every "
                 "demo uses the same ids, whatever the seed); a second history needs a server on an empty database",
    "unknown_shop": f"the server does not know the demo shop {DEMO_SHOP}: it uses another database than this "
                    "command; run the demo with the server's LOYALTY_DATABASE_URL",
    "inactive_shop": f"refused: the server's demo shop {DEMO_SHOP} is uninstalled",
    "HTTP 401": "refused as wrongly signed: the server has another SHOPIFY_API_SECRET than this command",
}


def check_server(url: str) -> None:
    """The server at `url` answers its /healthz and is ready; else one line saying what is wrong."""
    if not re.match(r"https?://[^/]", url):
        raise click.ClickException(f"--url must be the server's http:// or https:// address, not {url!r}")
    try:
        response = requests.get(f"{url.rstrip('/')}/healthz", timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise click.ClickException(
            f"cannot reach the server at {url}: {reason(exc)} (is `loyalty run` or `loyalty serve` running?)"
        ) from exc
    if response.status_code != 200:
        said = (response.json() if "json" in response.headers.get("Content-Type", "") else {}).get("database")
        raise click.ClickException(
            f"the server at {url} is not ready: HTTP {response.status_code}{f' ({said})' if said else ''}")


def http_sender(url: str) -> Any:
    """A function that posts one signed delivery to the server and returns its HTTP status and outcome."""
    session = requests.Session()
    sent = 0

    def send(topic: str, payload: dict[str, Any], delivery_id: str, secret: str) -> tuple[int, str]:
        nonlocal sent
        body = json.dumps(payload).encode()
        try:
            response = session.post(f"{url.rstrip('/')}/webhooks/shopify", data=body,
                                    headers=webhook_headers(topic, body, delivery_id, secret), timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise click.ClickException(
                f"the server at {url} stopped answering after {sent} deliveries: {reason(exc)}") from exc
        sent += 1
        return response.status_code, (response.json() if response.ok else {}).get("outcome", "")

    return send


def webhook_headers(topic: str, body: bytes, delivery_id: str, secret: str) -> dict[str, str]:
    """Shopify's headers of one delivery to the demo shop, signed with `secret`."""
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": DEMO_SHOP,
        "X-Shopify-Hmac-Sha256": hmac_sha256_base64(secret, body),
        "X-Shopify-Webhook-Id": delivery_id,
        "X-Shopify-API-Version": "2025-10",
    }


def print_server_answers(url: str, shoppers: int, orders: int, outcomes: dict[str, int]) -> None:
    """What was sent and what the server answered (its database is the server's: this command does not read it)."""
    sent = sum(outcomes.values())
    click.echo("")
    click.echo(f"sent {sent} webhooks of {shoppers} shoppers and {orders} orders to {url} (shop {DEMO_SHOP})")
    click.echo(f"  the server answered: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}")
    for key, count in sorted(outcomes.items()):
        if key in NOTES:
            click.echo(f"  {count} {NOTES[key]}")
    if outcomes.get("processed"):
        click.echo(f"  see them on the server's database: loyalty members show {DEMO_SHOP} EMAIL, loyalty report "
                   f"{DEMO_SHOP}")


def reason(exc: requests.RequestException) -> str:
    """`Connection refused`, not urllib3's three nested reprs."""
    found = re.findall(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    if found:
        return found[-1].strip()
    if isinstance(exc, requests.Timeout):
        return f"no answer within {TIMEOUT} s"
    return type(exc).__name__
