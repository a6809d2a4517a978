"""`loyalty export` (and `campaigns create --segment`): segment keys in any case, unknown tiers refused, and a file
that cannot be written named in one line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.rewards import bronze_silber_gold, save_program
from tests.support.snapshots import customer, order


@pytest.fixture
def silver_shop(container, shopify_shop):  # type: ignore[no-untyped-def]
    save_program(container, shopify_shop, bronze_silber_gold())
    deliver(container, shopify_shop, order(at=START, merchandise="120.00", buyer=customer()))
    return shopify_shop


def emails(output: str) -> list[str]:
    return [row["email"] for row in csv.DictReader(io.StringIO(output.lstrip("\ufeff")))]


@pytest.mark.parametrize(("typed", "canonical"), [("a", "A"), ("tier:SILBER", "tier:silber"), ("ALL", "all")])
def test_segment_keys_are_taken_in_any_case(run, silver_shop, typed: str, canonical: str) -> None:  # type: ignore[no-untyped-def]
    typed_result = run("export", silver_shop.domain, "segment", typed)
    canonical_result = run("export", silver_shop.domain, "segment", canonical)

    assert typed_result.exit_code == 0, typed_result.output
    assert emails(typed_result.stdout) == emails(canonical_result.stdout) == ["juergen.weiss@example.de"]


def test_a_tier_the_shop_does_not_have_is_refused_naming_its_tiers(run, silver_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("export", silver_shop.domain, "segment", "tier:nope")

    assert result.exit_code == 1
    assert result.output.strip() == "Error: unknown tier 'nope' (the shop's tiers: bronze, gold, silber)"


def test_a_tier_of_a_shop_without_tiers_is_refused(run, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("export", shopify_shop.domain, "segment", "tier:gold")

    assert result.exit_code == 1
    assert "unknown tier 'gold' (the shop's tiers: none (it has no tier programme))" in result.output


def test_an_unknown_segment_is_refused_naming_the_choices(run, silver_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("export", silver_shop.domain, "segment", "vip")

    assert result.exit_code == 1
    assert "A, B, C, an RFM group, tier:<key> or all" in result.output


def test_a_campaign_takes_a_segment_key_in_any_case_and_refuses_an_unknown_tier(run, silver_shop) -> None:  # type: ignore[no-untyped-def]
    queued = run("campaigns", "create", silver_shop.domain, "--segment", "tier:Silber", "--bonus", "10")
    refused = run("campaigns", "create", silver_shop.domain, "--segment", "tier:platin", "--bonus", "10")

    assert queued.output.strip().endswith("queued for 1 members")
    assert refused.exit_code == 1
    assert "unknown tier 'platin'" in refused.output


def test_an_output_file_in_a_folder_that_does_not_exist_is_one_line_naming_it(run, silver_shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "no" / "such" / "x.csv"

    result = run("export", silver_shop.domain, "members", "-o", str(target))

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # said, not raised
    assert result.output.strip() == f"Error: cannot open {target}: No such file or directory"
