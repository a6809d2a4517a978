"""`loyalty inbox list`: an unknown status is refused, an empty list says so, a cut list says how to see more."""

from __future__ import annotations

from datetime import timedelta

from app.models import WebhookDelivery
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.snapshots import customer, order


def stored(container, shop, count: int, status: str) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        uow.session.add_all([
            WebhookDelivery(shop_id=shop.id, platform="shopify", delivery_id=f"{status}-{n}", topic="orders/paid",
                            headers={}, body=b"{}", status=status, attempts=1, last_error="boom" if status == "failed"
                            else None, received_at=START + timedelta(minutes=n))
            for n in range(count)])
        uow.commit()


def test_an_unknown_status_is_refused_naming_the_statuses(run, container) -> None:  # type: ignore[no-untyped-def]
    result = run("inbox", "list", "--status", "bogus")

    assert result.exit_code == 2
    assert "'bogus' is not one of 'failed', 'processed', 'ignored'" in result.output


def test_no_failed_deliveries_is_said_in_a_line_not_left_blank(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, order(at=START, buyer=customer()))  # processed, not failed

    result = run("inbox", "list")

    assert result.exit_code == 0
    assert result.stdout == ""  # the rows alone go to standard output: none
    assert result.stderr.strip() == "No failed deliveries."


def test_the_empty_list_of_a_german_shop_is_said_in_german(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("inbox", "list", "--shop", shopify_shop.domain)

    assert result.stderr.strip() == "Keine fehlgeschlagenen Zustellungen."


def test_a_list_cut_at_its_limit_says_how_many_there_are_and_how_to_see_them(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    stored(container, shopify_shop, 105, "processed")

    first = run("inbox", "list", "--status", "processed")
    every = run("inbox", "list", "--status", "processed", "--limit", "200")

    assert len(first.stdout.splitlines()) == 100
    assert first.stderr.strip() == "showing the first 100 of 105; use --limit for more"
    assert len(every.stdout.splitlines()) == 105
    assert every.stderr == ""


def test_failed_deliveries_are_listed_newest_first_with_their_error(run, container, shopify_shop, woo_shop) -> None:  # type: ignore[no-untyped-def]
    stored(container, shopify_shop, 2, "failed")
    stored(container, woo_shop, 1, "processed")

    result = run("inbox", "list", "--shop", str(shopify_shop.id))

    lines = result.stdout.splitlines()
    assert [line.split()[5] for line in lines] == ["failed-1", "failed-0"]
    assert all(line.endswith("attempts=1 boom") for line in lines)
