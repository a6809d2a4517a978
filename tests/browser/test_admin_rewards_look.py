"""In Chromium: the rewards tab's buttons look like the page's buttons with room between them, the disabled
tiers save says why, and an empty catalogue says how to start."""

from __future__ import annotations

import pytest

from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

BROWSER_GREY = "rgb(239, 239, 239)"
STYLE = "(el) => { const s = getComputedStyle(el); return [s.backgroundColor, s.borderRadius]; }"


def _rewards_tab(app, page, live_url, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.get_by_test_id("tab-rewards").click()
    page.get_by_test_id("reward-new").wait_for()


def test_every_rewards_tab_button_is_styled_and_spaced(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    _rewards_tab(app, page, live_url, shopify_shop)
    for testid in ("tier-add", "tiers-preview", "reward-new"):
        background, radius = page.get_by_test_id(testid).evaluate(STYLE)
        assert (background, radius) != (BROWSER_GREY, "0px"), testid
        assert radius == "6px", testid
    preview = page.get_by_test_id("tiers-preview").bounding_box()
    save = page.get_by_test_id("tiers-save").bounding_box()
    assert save["x"] - (preview["x"] + preview["width"]) >= 6


def test_the_disabled_tiers_save_says_a_preview_comes_first(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    _rewards_tab(app, page, live_url, shopify_shop)
    assert page.get_by_test_id("tiers-save").is_disabled()
    assert "Vorschau" in page.get_by_test_id("tiers-save-hint").inner_text()
    page.get_by_test_id("tiers-preview").click()
    page.get_by_test_id("tiers-save-hint").wait_for(state="hidden")


def test_an_empty_rewards_catalogue_says_how_to_add_the_first(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    _rewards_tab(app, page, live_url, shopify_shop)
    assert "Neue Prämie" in page.get_by_test_id("rewards-empty").inner_text()
