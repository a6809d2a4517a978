"""In Chromium: chart axes speak the admin page's language, not the browser's, and an empty shop's charts say
that there is no data yet instead of drawing nonsense ticks (German and English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from app.services.admin_members import adjust_points
from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser

Y_LABELS = """(testid) => [...document.querySelectorAll(`[data-testid=${testid}] svg > text`)]
  .filter((t) => t.getAttribute("text-anchor") === "end").map((t) => t.textContent)"""
EMPTY_CHARTS = ("chart-retention", "chart-cohorts", "chart-abc", "chart-points")


@pytest.fixture
def english_browser(browser: object) -> Iterator[Page]:
    """A browser set to American English, as a German merchant's laptop may well be."""
    context = browser.new_context(  # type: ignore[attr-defined]
        locale="en-US", timezone_id="UTC", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_a_german_page_groups_chart_numbers_the_german_way_in_an_english_browser(  # type: ignore[no-untyped-def]
    app, container, live_url, english_browser, shopify_shop
) -> None:
    page = english_browser
    member = member_with_points(container, shopify_shop, 50)
    adjust_points(container.uow(), shopify_shop.id, member.id, 12000, "Import", actor="system",
                  now=container.clock.now())
    sign_in(app, page, live_url, shopify_shop)
    assert page.evaluate("document.documentElement.lang") == "de"

    page.get_by_test_id("chart-points").locator("svg").wait_for()
    labels = page.evaluate(Y_LABELS, "chart-points")
    assert "10.000" in labels
    assert not [label for label in labels if "," in label], labels

    page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id("chart-points").locator("svg").wait_for()
    assert "10,000" in page.evaluate(Y_LABELS, "chart-points")


def test_fractions_on_a_chart_use_the_pages_decimal_comma(app, live_url, english_browser, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    page = english_browser
    sign_in(app, page, live_url, shopify_shop)
    spec = "{type: 'bar', labels: ['a', 'b'], series: [{name: 'x', values: [0.5, 1]}]}"

    labels = page.evaluate(f"""() => {{
      const box = document.createElement("div");
      box.dataset.testid = "probe";
      document.body.appendChild(box);
      window.LoyaltyAdmin.ctx().chart(box, {spec});
      return [...box.querySelectorAll("svg > text")].map((t) => t.textContent);
    }}""")

    assert "0,2" in labels
    assert "0.2" not in labels


@pytest.mark.parametrize(("english", "text"), [(False, "Noch keine Daten"), (True, "No data yet")])
def test_an_empty_shops_charts_say_there_is_no_data_yet(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop, english: bool, text: str
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    if english:
        page.get_by_test_id("lang-toggle").click()

    for chart in EMPTY_CHARTS:
        expect(page.get_by_test_id(f"{chart}-empty")).to_contain_text(text)
        expect(page.get_by_test_id(chart).locator("svg")).to_have_count(0)


def test_a_chart_never_repeats_an_axis_label(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shopify_shop)
    ctx = "window.LoyaltyAdmin.ctx()"

    labels = page.evaluate(f"""() => {{
      const box = document.createElement("div");
      document.body.appendChild(box);
      const ctx = {ctx};
      ctx.chart(box, {{type: "stacked", labels: ["a"], series: [{{name: "x", values: [0]}}],
        format: (n) => ctx.percent(n, 0)}});
      return [...box.querySelectorAll("svg > text")].filter((t) => t.getAttribute("text-anchor") === "end")
        .map((t) => t.textContent);
    }}""")

    assert labels
    assert len(labels) == len(set(labels)), labels
