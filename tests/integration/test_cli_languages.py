"""What `loyalty` tells a merchant is in the language asked for with --lang, else the shop's: member details, the
login link's note and the report's errors."""

from __future__ import annotations

import re

import pytest

from app.services.shops import NewShop, add_shop
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.rewards import bronze_silber_gold, save_program
from tests.support.snapshots import customer, order

EMAIL = "juergen.weiss@example.de"
ENGLISH_LABELS = re.compile(r"\b(balance|pending|spendable|lots|available|expires|ledger|newest|tier|member)\b")


@pytest.fixture
def english_shop(container):  # type: ignore[no-untyped-def]
    new = NewShop("shopify", "tea-house.myshopify.com", name="Tea House", locale="en", access_token="shpat_test")
    return add_shop(container.uow(), container.box, new, container.clock.now())


@pytest.fixture
def silver_member(container, shopify_shop):  # type: ignore[no-untyped-def]
    save_program(container, shopify_shop, bronze_silber_gold())
    deliver(container, shopify_shop, order(at=START, merchandise="120.00", buyer=customer()))
    return shopify_shop


def test_members_show_in_german_labels_every_line_in_german(run, silver_member) -> None:  # type: ignore[no-untyped-def]
    result = run("members", "show", silver_member.domain, EMAIL, "--lang", "de")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"Jürgen Weiß <juergen\.weiss@example\.de>  Mitglied \d+", lines[0])
    assert lines[1] == "Kontostand 120  davon ausstehend 0  einlösbar 120"
    assert lines[2] == "Stufe Silber (silber)"
    assert lines[3] == "Punktepakete:"
    assert re.fullmatch(r"  #\d+ 120/120 verfügbar verfällt nicht", lines[4])  # the shop's points never expire
    assert lines[5] == "Punkteverlauf (neueste zuerst):"
    # The reason as the admin page words it, at the day and minute (UTC) as Germans write them.
    assert re.fullmatch(r"  \d\d\.\d\d\.\d{4} \d\d:\d\d +\+120  Bestellung #\S+", lines[6])
    assert ENGLISH_LABELS.findall(" ".join(lines[:6])) == []


def test_members_show_in_english_prints_the_english_labels_scripts_read(run, silver_member) -> None:  # type: ignore[no-untyped-def]
    result = run("members", "show", silver_member.domain, EMAIL, "--lang", "en")

    lines = result.output.splitlines()
    assert re.fullmatch(r"Jürgen Weiß <juergen\.weiss@example\.de>  member \d+", lines[0])
    assert lines[1] == "balance 120  pending 0  spendable 120"
    assert lines[2] == "tier Silber (silber)"  # the tier's name as the shop wrote it (no English one given)
    assert (lines[3], lines[5]) == ("lots:", "ledger (newest first):")
    assert re.fullmatch(r"  #\d+ 120/120 available does not expire", lines[4])
    assert re.fullmatch(r"  \d{4}-\d\d-\d\d \d\d:\d\d +\+120  Order #\S+", lines[6])


def test_members_show_speaks_the_shops_language_without_lang(run, container, english_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, english_shop, order(at=START, buyer=customer()))

    result = run("members", "show", english_shop.domain, EMAIL)

    assert "tier none" in result.output
    assert "lots:" in result.output


def test_admin_link_says_how_long_it_is_valid_in_the_shops_language(run, shopify_shop, english_shop) -> None:  # type: ignore[no-untyped-def]
    german = run("admin-link", shopify_shop.domain)
    english = run("admin-link", english_shop.domain)

    assert german.stderr.strip() == "gilt einmal und 15 Minuten lang"
    assert english.stderr.strip() == "valid once, for 15 minutes"
    assert re.fullmatch(r"http\S+/admin/login\?token=\S+\n", german.stdout)  # the link alone, for scripts


@pytest.mark.parametrize(("lang", "sentence"), [
    ("de", "Der Zeitraum muss vor seinem Ende beginnen."),
    ("en", "The period must start before it ends."),
])
def test_a_period_that_ends_before_it_starts_is_refused_in_the_chosen_language(run, shopify_shop, lang: str,  # type: ignore[no-untyped-def]
                                                                               sentence: str) -> None:
    result = run("report", shopify_shop.domain, "--from", "2025-12-31", "--to", "2025-01-01", "--lang", lang)

    assert result.exit_code == 2
    assert f"Error: {sentence}" in result.output
    assert "Invalid value" not in result.output


def test_the_report_refuses_a_backwards_period_in_the_shops_language_without_lang(run, english_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("report", english_shop.domain, "--from", "2025-12-31", "--to", "2025-01-01")

    assert "Error: The period must start before it ends." in result.output
