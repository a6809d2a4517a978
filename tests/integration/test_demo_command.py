"""`loyalty demo`: sizes checked, a second history refused instead of half-dropped, a server that is not there said
in one line, `--url` reporting what was sent and what the server answered, the progress bar counting what is sent."""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import timedelta

from sqlalchemy import func, select

from app import create_app
from app.demo import history
from app.demo.shop import DEMO_SHOP
from app.migrate import upgrade
from app.models import Shop
from tests.support.live import serve
from tests.support.net import free_port

SMALL = ("--shoppers", "6", "--months", "2", "--seed", "5")


def demo_shops(container) -> int:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Shop).where(Shop.domain == DEMO_SHOP)) or 0


def test_sizes_below_one_are_refused_before_anything_runs(run, container) -> None:  # type: ignore[no-untyped-def]
    shoppers = run("demo", "--shoppers", "-5")
    months = run("demo", "--months", "0")

    assert (shoppers.exit_code, months.exit_code) == (2, 2)
    assert "Invalid value for '--shoppers': -5 is not in the range 1<=x<=100000." in shoppers.output
    assert "Invalid value for '--months': 0 is not in the range 1<=x<=120." in months.output
    assert demo_shops(container) == 0


def test_a_server_that_is_not_running_is_one_line_and_nothing_is_written(run, container) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{free_port()}"

    result = run("demo", *SMALL, "--url", url)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # said, not raised
    assert result.output.strip() == (
        f"Error: cannot reach the server at {url}: Connection refused (is `loyalty run` or `loyalty serve` running?)")
    assert demo_shops(container) == 0


def test_a_second_demo_on_the_same_database_is_refused_not_silently_dropped_as_duplicates(run, container) -> None:  # type: ignore[no-untyped-def]
    first = run("demo", *SMALL)

    second = run("demo", "--shoppers", "6", "--months", "2", "--seed", "9")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 1
    assert re.fullmatch(
        rf"Error: the demo shop {re.escape(DEMO_SHOP)} already has a demo history \(\d+ orders\) in this database "
        r"\(LOYALTY_DATABASE_URL=\S+\); for another one, point LOYALTY_DATABASE_URL at an empty database",
        second.output.strip())


def test_the_progress_bar_counts_every_delivery_sent_a_refund_as_two(run, container) -> None:  # type: ignore[no-untyped-def]
    now = container.clock.now()
    rng = random.Random(3)
    orders = history.make_orders(rng, history.make_shoppers(rng, 40), now - timedelta(days=6 * 30), now)
    events = history.make_events(orders, now)
    refunds = sum(event.topic == "refunds/create" for event in events)

    result = run("demo", "--shoppers", "40", "--months", "6", "--seed", "3")

    outcomes = re.search(r"deliveries: (.+)", result.stdout)
    assert outcomes is not None
    sent = sum(int(count) for count in re.findall(r"(\d+)(?:,|$)", outcomes.group(1)))
    assert refunds > 0
    assert sent == len(events) + refunds
    assert re.findall(r"(\d+)/(\d+) \[", result.stderr)[-1] == (str(sent), str(sent))


def test_with_url_it_reports_what_it_sent_and_what_the_server_answered(run, app, container) -> None:  # type: ignore[no-untyped-def]
    with serve(app) as url:
        first = run("demo", *SMALL, "--url", url)
        again = run("demo", *SMALL, "--url", url)

    lines = first.stdout.strip().splitlines()
    assert re.fullmatch(rf"sent (\d+) webhooks of 6 shoppers and \d+ orders to {url} \(shop {DEMO_SHOP}\)", lines[0])
    sent = lines[0].split()[1]
    assert lines[1] == f"  the server answered: processed {sent}"
    assert "members" not in first.stdout.split("see them")[0]  # no figures of this command's own database
    assert f"the server answered: duplicate {sent}" in again.stdout
    assert f"  {sent} already known to the server: its demo shop already has a demo history" in again.stdout


def test_with_url_a_server_on_another_database_is_named_as_such(run, container, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.asdict(container.settings)
    other = create_app({**settings, "database_url": f"sqlite:///{tmp_path / 'other.db'}"})
    upgrade(other.extensions["container"].engine)
    try:
        with serve(other) as url:
            result = run("demo", *SMALL, "--url", url)
    finally:
        other.extensions["container"].dispose()

    assert "the server answered: unknown_shop" in result.stdout
    assert f"the server does not know the demo shop {DEMO_SHOP}: it uses another database" in result.stdout
