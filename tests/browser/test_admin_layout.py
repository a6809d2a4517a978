"""In Chromium: chart texts stay legible on a phone and a desktop, statistics read as tiles of a number and its
label, buttons start at their form's left edge, and a member's tier history names the tiers in the page's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.container import Container
from app.domain.tiers import TierTranslation
from app.models import Shop, TierHistory
from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example
from tests.support.rewards import add_reward, bronze_silber_gold, member_with_points, save_program, tier

pytestmark = pytest.mark.browser

# Every chart text's size on screen: its font size times the drawing's scale (a viewBox wider than the shown
# chart shrinks its texts).
CHART_FONT_SIZES = """() => [...document.querySelectorAll(".lc-chart text")].map((t) =>
  parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"""
X_LABELS = """(testid) => [...document.querySelectorAll(`[data-testid=${testid}] svg > text`)]
  .filter((t) => t.getAttribute("text-anchor") === "middle")
  .map((t) => { const b = t.getBoundingClientRect(); return { text: t.textContent, left: b.left, right: b.right }; })"""
# Each figure of a statistics list: its number's and its label's boxes, and whether both sit in one tile.
STAT_BOXES = """(testid) => [...document.querySelectorAll(`[data-testid=${testid}] dt`)].map((dt) => {
  const dd = dt.nextElementSibling;
  const label = dt.getBoundingClientRect(), number = dd.getBoundingClientRect();
  return { label: dt.textContent, labelTop: label.top, numberBottom: number.bottom,
    oneTile: dt.parentElement === dd.parentElement && dt.parentElement.tagName === "DIV" };
})"""


def _dashboard_of_2025(app, page: Page, live_url: str, shop: Shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.wait_for_selector("[data-testid=figure-retention_rate]")  # the default period drawn: the form stays put
    page.fill("[data-testid=period-from]", "2025-01-01")
    page.fill("[data-testid=period-to]", "2025-12-31")
    page.click("[data-testid=period-apply]")
    page.locator("[data-testid=chart-retention] svg").wait_for()
    page.wait_for_timeout(200)  # a chart is drawn again at its shown width once it is on the page


def test_chart_texts_are_at_least_eleven_pixels_and_about_twelve_at_any_width(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, sized: tuple[Page, int], shopify_shop: Shop
) -> None:
    page, _width = sized
    worked_example(container, shopify_shop)

    _dashboard_of_2025(app, page, live_url, shopify_shop)

    sizes = page.evaluate(CHART_FONT_SIZES)
    assert sizes
    assert min(sizes) >= 11, sorted(sizes)[:5]
    assert max(sizes) <= 13, sorted(sizes)[-5:]


def test_a_phones_chart_shows_fewer_month_labels_rather_than_overlapping_ones(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, sized: tuple[Page, int], shopify_shop: Shop
) -> None:
    page, width = sized
    worked_example(container, shopify_shop)

    _dashboard_of_2025(app, page, live_url, shopify_shop)

    labels = page.evaluate(X_LABELS, "chart-retention")
    assert labels
    assert all(a["right"] < b["left"] for a, b in zip(labels, labels[1:], strict=False)), labels
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# The cohort grid scrolled to its right end (where it scrolls): where each row label, the title and the figure sit.
COHORT_LABELS_AFTER_SCROLL = """() => {
  const figure = document.querySelector("[data-testid=chart-cohorts] figure");
  const grid = figure.querySelector(".lc-heat-wide") || figure;
  grid.scrollLeft = grid.scrollWidth;
  const box = figure.getBoundingClientRect();
  const title = figure.querySelector("figcaption").getBoundingClientRect();
  const labels = [...figure.querySelectorAll("svg text[text-anchor=end]")].map((t) => t.getBoundingClientRect());
  return { scrolled: grid.scrollLeft, left: box.left, right: box.right, titleLeft: title.left,
           labels: labels.map((b) => ({ left: b.left, right: b.right })) };
}"""


def test_the_cohort_grid_keeps_its_month_labels_in_view_when_scrolled_sideways(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, sized: tuple[Page, int], shopify_shop: Shop
) -> None:
    page, width = sized
    worked_example(container, shopify_shop)

    _dashboard_of_2025(app, page, live_url, shopify_shop)
    shown = page.evaluate(COHORT_LABELS_AFTER_SCROLL)

    assert shown["labels"]
    assert all(shown["left"] - 1 <= b["left"] and b["right"] <= shown["right"] + 1 for b in shown["labels"]), shown
    assert shown["titleLeft"] >= shown["left"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 600:  # a phone: twelve legible columns do not fit beside the labels, so the grid did scroll
        assert shown["scrolled"] > 0


def test_referral_statistics_show_each_number_in_a_tile_above_its_label(  # type: ignore[no-untyped-def]
    app, live_url: str, sized: tuple[Page, int], shopify_shop: Shop
) -> None:
    page, width = sized
    sign_in(app, page, live_url, shopify_shop)

    page.get_by_test_id("tab-referrals").click()
    page.get_by_test_id("referral-stats").wait_for()

    figures = page.evaluate(STAT_BOXES, "referral-stats")
    assert len(figures) == 8
    assert all(f["oneTile"] for f in figures), figures
    assert all(f["numberBottom"] <= f["labelTop"] + 1 for f in figures), figures
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_buttons_under_a_form_start_at_its_left_edge(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    member = member_with_points(container, shopify_shop, 120)
    sign_in(app, page, live_url, shopify_shop)
    left = "(el) => Math.round(el.getBoundingClientRect().left)"

    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("adjust-submit").wait_for()
    assert page.get_by_test_id("adjust-submit").evaluate(left) == page.get_by_test_id("adjust-points").evaluate(left)
    page.get_by_test_id("tab-rewards").click()
    page.get_by_test_id("tiers-preview").wait_for()
    assert page.get_by_test_id("tiers-preview").evaluate(left) == page.get_by_test_id("rw-basis").evaluate(left)
    page.get_by_test_id("tab-segments").click()
    page.get_by_test_id("segment-show").wait_for()
    form = page.locator("form:has([data-testid=segment-show])")
    assert page.get_by_test_id("segment-show").evaluate(left) == form.locator("select").first.evaluate(left)


def test_redeeming_for_a_member_keeps_a_gap_between_the_reward_and_the_button(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, sized: tuple[Page, int], shopify_shop: Shop
) -> None:
    page, _width = sized
    member = member_with_points(container, shopify_shop, 700)
    add_reward(container, shopify_shop, points_cost=500)
    sign_in(app, page, live_url, shopify_shop)

    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("member-redeem").wait_for()

    reward = page.locator("[data-testid=member-redeem-form] select").bounding_box()
    button = page.get_by_test_id("member-redeem").bounding_box()
    assert reward
    assert button
    beside = button["x"] - (reward["x"] + reward["width"])
    below = button["y"] - (reward["y"] + reward["height"])
    assert beside >= 8 or below >= 8, (reward, button)


@pytest.mark.parametrize(("english", "expected"), [
    (False, ["Silber → Gold (Bestellung)", "Bronze → Silber (Import der Bestellhistorie)"]),
    (True, ["Silver → Gold (Order)", "Bronze → Silver (Order history import)"])])
def test_a_members_tier_history_names_the_tiers_in_the_pages_language(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, page: Page, shopify_shop: Shop, english: bool, expected: list[str]
) -> None:
    program = bronze_silber_gold()
    silver = tier("silber", "Silber", "100", translations=(TierTranslation("en", "Silver"),))
    save_program(container, shopify_shop, replace(program, tiers=(program.tiers[0], silver, program.tiers[2])))
    member = member_with_points(container, shopify_shop, 40)
    now = container.clock.now()
    with container.uow() as uow:
        for days, old, new, reason in ((20, "bronze", "silber", "import"), (10, "silber", "gold", "order")):
            uow.session.add(TierHistory(shop_id=shopify_shop.id, member_id=member.id, from_key=old, to_key=new,
                                        reason=reason, at=now - timedelta(days=days)))
        uow.commit()
    sign_in(app, page, live_url, shopify_shop)
    if english:
        page.get_by_test_id("lang-toggle").click()

    page.goto(f"{live_url}/admin#members/{member.id}")
    history = page.get_by_test_id("member-tier-history")

    for change in expected:
        expect(history).to_contain_text(change)
    assert "silber" not in history.inner_text()
