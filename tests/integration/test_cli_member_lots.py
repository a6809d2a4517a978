"""`loyalty members show`: what became of each lot (taken back, expired, used up) and dates as the language writes
them; an unknown member is refused in the command's language."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from app.domain.expiry import add_months
from app.services.points_jobs import expire_points
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.rewards import set_program_settings
from tests.support.snapshots import customer, order, refund

EMAIL = "juergen.weiss@example.de"
LATER = timedelta(days=3)


def lot_lines(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith(":")) + 1
    return [line for line in lines[start:] if line.startswith("  #")]


def test_a_lot_of_a_fully_refunded_order_says_it_was_taken_back_not_available(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, order(at=START, merchandise="14.00", shipping="0.00", buyer=customer()))
    deliver(container, shopify_shop, order(at=START, merchandise="14.00", shipping="0.00", buyer=customer(),
                                           version=LATER, refunds=(refund(lines="14.00", at=START + LATER),)))

    german = run("members", "show", shopify_shop.domain, EMAIL, "--lang", "de")
    english = run("members", "show", shopify_shop.domain, EMAIL, "--lang", "en")
    as_json = run("members", "show", shopify_shop.domain, EMAIL, "--json")

    assert german.exit_code == 0, german.output
    assert re.fullmatch(r"  #\d+ 0/14 zurückgenommen \(Bestellung erstattet\)", lot_lines(german.output)[0])
    assert re.fullmatch(r"  #\d+ 0/14 taken back \(order refunded\)", lot_lines(english.output)[0])
    assert json.loads(as_json.output)["lots"][0]["state"] == "taken_back"


def test_a_lot_of_a_cancelled_order_says_the_order_was_cancelled(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, order(at=START, merchandise="14.00", shipping="0.00", buyer=customer()))
    deliver(container, shopify_shop, order(at=START, merchandise="14.00", shipping="0.00", buyer=customer(),
                                           version=LATER, cancelled=True))

    result = run("members", "show", shopify_shop.domain, EMAIL, "--lang", "en")

    assert re.fullmatch(r"  #\d+ 0/14 taken back \(order cancelled\)", lot_lines(result.output)[0])


def test_an_expired_lot_says_expired_and_a_pending_one_until_when_in_the_languages_date_format(  # type: ignore[no-untyped-def]
    run, container, shopify_shop
) -> None:
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12, pending_days=14)
    deliver(container, shopify_shop, order(at=START, merchandise="14.00", shipping="0.00", buyer=customer()))
    container.clock.advance(days=400)
    expire_points(container.uow, container.clock.now())
    now = container.clock.now()
    deliver(container, shopify_shop, order("5002", at=now, merchandise="20.00", shipping="0.00", buyer=customer()))
    available = now + timedelta(days=14)

    german = lot_lines(run("members", "show", shopify_shop.domain, EMAIL, "--lang", "de").output)
    english = lot_lines(run("members", "show", shopify_shop.domain, EMAIL, "--lang", "en").output)

    expires = add_months(now, 12)
    assert re.fullmatch(r"  #\d+ 0/14 verfallen", german[0])
    assert re.fullmatch(r"  #\d+ 0/14 expired", english[0])
    assert german[1].endswith(f" 20/20 ausstehend bis {available:%d.%m.%Y} verfällt {expires:%d.%m.%Y}")
    assert english[1].endswith(f" 20/20 pending until {available:%Y-%m-%d} expires {expires:%Y-%m-%d}")


def test_the_ledger_shows_every_time_in_one_format_per_language(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, order(at=START.replace(microsecond=428411), buyer=customer()))
    container.clock.advance(minutes=5, seconds=3)
    deliver(container, shopify_shop, order(at=START, buyer=customer(), version=LATER,
                                           refunds=(refund(lines="50.00", at=START + LATER),)))

    german = run("members", "show", shopify_shop.domain, EMAIL, "--lang", "de").output.splitlines()
    english = run("members", "show", shopify_shop.domain, EMAIL, "--lang", "en").output.splitlines()

    ledger_de = german[german.index("Punkteverlauf (neueste zuerst):") + 1:]
    ledger_en = english[english.index("ledger (newest first):") + 1:]
    assert len(ledger_de) == len(ledger_en) == 2
    assert all(re.match(r"  \d\d\.\d\d\.\d{4} \d\d:\d\d +[+-]\d+  ", line) for line in ledger_de), ledger_de
    assert all(re.match(r"  \d{4}-\d\d-\d\d \d\d:\d\d +[+-]\d+  ", line) for line in ledger_en), ledger_en


def test_an_unknown_member_of_a_german_shop_is_refused_in_german(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("members", "show", shopify_shop.domain, "nobody@example.de")

    assert result.exit_code == 1
    assert result.output.strip() == "Error: Unbekanntes Mitglied (E-Mail: nobody@example.de)"


def test_an_unknown_shop_is_refused_in_the_language_asked_for(run, container) -> None:  # type: ignore[no-untyped-def]
    result = run("members", "show", "nowhere.myshopify.com", "nobody@example.de", "--lang", "de")

    assert result.exit_code == 1
    assert result.output.strip() == "Error: Unbekannter Shop (shop: nowhere.myshopify.com)"
