"""`loyalty demo`: register a demo shop and send it 18 months of signed Shopify webhooks, at their own time, with a
progress bar."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import click
from tqdm import tqdm

from app.cli import Context, pass_context
from app.cli.demo_server import check_server, http_sender, print_server_answers, webhook_headers
from app.cli.errors import safe_url
from app.clock import FixedClock
from app.container import Container
from app.demo import history, replay
from app.demo import shopify_payloads as payloads
from app.demo.redemptions import Redeemer
from app.demo.shop import DEMO_SHOP, connected_for_replay, demo_shop
from app.jobs.scheduler import run_once
from app.migrate import upgrade
from app.queries import shop_summary, top_members
from app.repositories import ShopRepository
from app.services.ledger_audit import verify_ledger

# Jobs that need no shop API (the demo shop has no Admin API token, so nothing is pushed to a real shop).
LOCAL_JOBS = ("mature_pending_points", "expire_points", "evaluate_tiers", "schedule_review_requests",
              "dispatch_outbox")
OPENED_BEFORE = timedelta(days=1)  # the app was installed the day before the history's first order
REDEEMED_BEFORE = timedelta(minutes=2)  # a code is redeemed this long before the order it is used in
Outcomes = dict[str, int]


def register(cli: click.Group) -> None:
    @cli.command("demo")
    @click.option("--shoppers", default=1000, show_default=True, type=click.IntRange(1, 100_000),
                  help="How many shoppers.")
    @click.option("--months", default=18, show_default=True, type=click.IntRange(1, 120), help="How much history.")
    @click.option("--seed", default=7, show_default=True, help="Same seed, same history.")
    @click.option(
        "--url",
        default=None,
        help="Send to a running server (e.g. http://127.0.0.1:8000) over HTTP; it dates what arrives by its own "
        "clock (joined, available from: today), and no shopper redeems (it has no stand-in for the shop to create "
        "codes at), while the default replays the history at its own time, redemptions included.",
    )
    @pass_context
    def demo(ctx: Context, shoppers: int, months: int, seed: int, url: str | None) -> None:
        """Send a realistic shop history through the real webhook endpoint, signed, then summarise."""
        c = ctx.container
        if url:
            check_server(url)  # before anything is written: a server that is not there is the only thing said
        upgrade(c.engine)
        if not url:
            _refuse_a_second_history(c)
        now = c.clock.now()
        start = now - timedelta(days=months * 30)
        rng = random.Random(seed)
        people = history.make_shoppers(rng, shoppers)
        orders = history.make_orders(rng, people, start, now)
        events = history.make_events(orders, now)
        if url:
            demo_shop(c, now)  # for a server on this command's database; one on another knows no demo shop
            outcomes = _send_all(events, http_sender(url), c.settings.shopify_api_secret, None)
            print_server_answers(url, len(people), len(orders), outcomes)
            return
        shop, outcomes = _replay(c, events, start - OPENED_BEFORE, now, random.Random(seed + 1))
        # What is due at the end (thank-you emails of the last hours, review requests) is done now, as
        # `loyalty worker` would; emails are written as .eml files.
        run_once(c, only=LOCAL_JOBS)
        _summary(c, shop.id, len(orders), outcomes)


def _refuse_a_second_history(c: Container) -> None:
    """Every demo's shoppers and orders have the same ids (whatever the seed): a second history would be taken
    for the first one's deliveries (duplicates, silently dropped) and replayed into the shop's past."""
    with c.uow() as uow:
        shop = ShopRepository(uow.session).get_by_domain("shopify", DEMO_SHOP)
        orders = shop_summary(uow.session, shop)["orders"] if shop is not None else 0
    if orders:
        raise click.ClickException(
            f"the demo shop {DEMO_SHOP} already has a demo history ({orders} orders) in this database "
            f"(LOYALTY_DATABASE_URL={safe_url(c.settings.database_url)}); for another one, point "
            "LOYALTY_DATABASE_URL at an empty database")


def _replay(
    c: Container, events: list[history.DemoEvent], opened: datetime, now: datetime, rng: random.Random
) -> tuple[Any, Outcomes]:
    """The history through an app whose clock stands at each event's moment, the worker's cycles in between;
    shoppers redeem points for codes they use in their next order (through the storefront, as the widget does)."""
    clock = FixedClock(opened)
    app = replay.simulated_app(c, clock)
    sim: Container = app.extensions["container"]
    secret = c.settings.shopify_api_secret
    try:
        shop = demo_shop(sim, opened)
        timeline = replay.Replay(
            clock, lambda daily: replay.worker_cycle(sim, shop.id, daily=daily), opened + replay.WORKER_EVERY
        )
        redeemer = Redeemer(app.test_client(), DEMO_SHOP, secret, clock, rng)
        with connected_for_replay(sim, shop.id):
            outcomes = _send_all(events, _in_process_sender(app), secret, timeline, redeemer.before)
            timeline.until(now)
    finally:
        sim.dispose()
    return shop, outcomes


def _send_all(
    events: list[history.DemoEvent], send: Any, secret: str, timeline: replay.Replay | None,
    before_order: Callable[[history.DemoOrder], None] | None = None,
) -> Outcomes:
    outcomes: Outcomes = {}
    # Counted as sent: a refund is two deliveries (the refund, then the order as it stands after it).
    bar = tqdm(total=sum(_delivery_count(event) for event in events), desc="webhooks", unit="req", smoothing=0.05)
    for event in events:
        if before_order is not None and event.topic == "orders/create":
            assert isinstance(event.subject, history.DemoOrder)
            if timeline is not None:  # the shopper redeems in the widget a few minutes before checking out
                timeline.until(max(timeline.clock.now(), event.at - REDEEMED_BEFORE))
            before_order(event.subject)
        if timeline is not None:
            timeline.until(event.at)
            bar.set_postfix_str(f"{event.at:%Y-%m-%d}", refresh=False)
        for topic, body, delivery_id in _deliveries(event):
            status, outcome = send(topic, body, delivery_id, secret)
            key = outcome if status == 200 else f"HTTP {status}"
            outcomes[key] = outcomes.get(key, 0) + 1
            bar.update(1)
    bar.close()
    return outcomes


def _delivery_count(event: history.DemoEvent) -> int:
    return 2 if event.topic == "refunds/create" else 1  # as `_deliveries` sends them


def _deliveries(event: history.DemoEvent) -> list[tuple[str, dict[str, Any], str]]:
    at = event.at
    if event.topic == "customers/create":
        shopper = event.subject
        assert isinstance(shopper, history.Shopper)
        return [("customers/create", payloads.customer(shopper, at), f"demo-c-{shopper.customer_id}")]
    order = event.subject
    assert isinstance(order, history.DemoOrder)
    key = f"demo-{order.order_id}"
    if event.topic == "orders/create":
        return [("orders/create", payloads.order(order, at, status="pending"), f"{key}-create")]
    if event.topic == "orders/paid":
        return [("orders/paid", payloads.order(order, at, status="paid"), f"{key}-paid")]
    if event.topic == "orders/cancelled":
        body = payloads.order(order, at, status="voided", cancelled_at=at)
        return [("orders/cancelled", body, f"{key}-cancelled")]
    refund = payloads.refund(order, at, order.order_id + 1)
    status = "refunded" if order.fate == "full_refund" else "partially_refunded"
    updated = payloads.order(order, at + timedelta(seconds=1), status=status, refunds=[refund])
    return [("refunds/create", refund, f"{key}-refund"), ("orders/updated", updated, f"{key}-updated")]


def _in_process_sender(app: Any) -> Any:
    client = app.test_client()

    def send(topic: str, payload: dict[str, Any], delivery_id: str, secret: str) -> tuple[int, str]:
        body = json.dumps(payload).encode()
        headers = webhook_headers(topic, body, delivery_id, secret)
        response = client.post("/webhooks/shopify", data=body, headers=headers)
        return response.status_code, (response.get_json(silent=True) or {}).get("outcome", "")

    return send


def _summary(c: Any, shop_id: int, order_count: int, outcomes: dict[str, int]) -> None:
    with c.uow() as uow:
        shop = ShopRepository(uow.session).get(shop_id)
        summary = shop_summary(uow.session, shop)
        best = top_members(uow.session, shop, limit=5)
    checked, problems = verify_ledger(c.uow(), shop_id)
    click.echo("")
    click.echo(f"demo shop {summary['domain']} (id {summary['id']})")
    click.echo(f"  deliveries: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}")
    click.echo(
        f"  members {summary['members']}, orders {summary['orders']} (history: {order_count}), "
        f"ledger entries {summary['ledger_entries']}"
    )
    click.echo(f"  points outstanding {summary['points_outstanding']} (pending {summary['points_pending']})")
    click.echo(f"  codes redeemed {summary['codes_redeemed']}, used in an order {summary['codes_used']}")
    click.echo("  top balances:")
    for member in best:
        click.echo(f"    {member.display_name:<28} {member.email:<40} {member.balance:>6} points")
    click.echo(f"  ledger verify: {'ok' if not problems else f'{len(problems)} problems'} ({checked} members)")
    outbox = c.settings.instance_path / "outbox"
    emails = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
    click.echo(f"  emails written to {outbox}: {emails}")
    click.echo(f"  try: loyalty members show {summary['domain']} {best[0].email if best else 'EMAIL'}")
