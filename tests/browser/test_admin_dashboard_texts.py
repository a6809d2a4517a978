"""In Chromium: the dashboard explains empty and easily misread charts and formats months, shares and percentages
for the page's language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example

pytestmark = pytest.mark.browser

AXIS_LABELS = """(testid) => [...document.querySelectorAll(`[data-testid=${testid}] svg > text`)]
  .filter((t) => t.getAttribute("text-anchor") === "middle")
  .map((t) => { const b = t.getBBox(); return { text: t.textContent, left: b.x, right: b.x + b.width }; })"""


def _dashboard(app, page, live_url, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.get_by_test_id("tab-dashboard").click()
    page.wait_for_selector("[data-testid=figure-retention_rate]")  # the default period drawn: the form stays put
    page.fill("[data-testid=period-from]", "2025-01-01")
    page.fill("[data-testid=period-to]", "2025-12-31")
    page.click("[data-testid=period-apply]")
    page.locator("[data-testid=chart-retention] svg, [data-testid=chart-retention-empty]").first.wait_for()


def test_an_expiry_forecast_without_data_says_so_instead_of_an_empty_chart(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    _dashboard(app, page, live_url, shopify_shop)
    assert "Keine Punkte verfallen" in page.get_by_test_id("chart-liability-empty").inner_text()
    assert page.locator("[data-testid=chart-liability] svg").count() == 0


def test_retention_months_are_readable_labels_that_never_overlap(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    _dashboard(app, page, live_url, shopify_shop)
    labels = page.evaluate(AXIS_LABELS, "chart-retention")
    assert labels
    assert not [x["text"] for x in labels if re.fullmatch(r"\d{4}-\d{2}", x["text"])]
    assert all(a["right"] < b["left"] for a, b in zip(labels, labels[1:], strict=False)), labels
    assert "Kundenbindungsrate" in page.get_by_test_id("chart-retention-caption").inner_text()
    assert "Kundenbindungsrate" in page.get_by_test_id("chart-cohorts-caption").inner_text()


def test_revenue_shares_are_shown_as_percentages(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    _dashboard(app, page, live_url, shopify_shop)
    page.get_by_test_id("as-a_share").wait_for()
    assert page.get_by_test_id("as-a_share").input_value() == "80"
    assert "(%)" in page.locator("label[for=as-a_share]").inner_text()


def test_english_percentages_use_english_formatting(app, container, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("lang-toggle").click()
    _dashboard(app, page, live_url, shopify_shop)
    page.wait_for_selector("[data-testid=figure-retention_rate] strong:has-text('50')")
    assert page.text_content("[data-testid=figure-retention_rate] strong") == "50%"


def test_the_clv_is_shown_beside_the_orders_per_customer_per_year_it_is_computed_from(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    _dashboard(app, page, live_url, shopify_shop)
    page.wait_for_selector("[data-testid=figure-clv] strong:has-text('260')")
    # AOV 86,67 € × 1,5 orders per customer per year × 2 years: each part of the CLV is on the page
    assert page.text_content("[data-testid=figure-purchase_frequency_year] strong") == "1,50"
    assert "Bestellungen pro Kunde und Jahr" in page.text_content("[data-testid=figure-purchase_frequency_year]")
    assert page.text_content("[data-testid=figure-customers] strong") == "4"


def test_a_period_reaching_past_today_is_shown_as_the_days_measured(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    _dashboard(app, page, live_url, shopify_shop)
    page.fill("[data-testid=period-from]", "2026-02-01")
    page.fill("[data-testid=period-to]", "2026-03-31")  # the server's today is 2 March 2026
    page.click("[data-testid=period-apply]")
    expect(page.get_by_test_id("period-to")).to_have_value("2026-03-02")
    assert page.input_value("[data-testid=period-from]") == "2026-02-01"


def test_ratios_and_years_keep_two_places(app, container, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    _dashboard(app, page, live_url, shopify_shop)
    page.wait_for_selector("[data-testid=figure-clv] strong:has-text('260')")
    # guests: one order each (1,00, not "1" as if it were a count); lifetime 2 years
    assert page.text_content("[data-testid=figure-guests_frequency] strong") == "1,00"
    assert page.text_content("[data-testid=figure-avg_lifetime] strong") == "2,00 Jahre"


def test_a_period_without_new_customers_says_so_instead_of_no_data_yet(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    _dashboard(app, page, live_url, shopify_shop)
    page.fill("[data-testid=period-from]", "2025-12-01")
    page.fill("[data-testid=period-to]", "2025-12-31")  # four customers, none of them new in December
    page.click("[data-testid=period-apply]")
    expect(page.get_by_test_id("chart-cohorts-empty")).to_contain_text("Keine Neukunden in diesem Zeitraum")
    assert "Noch keine Daten" not in page.get_by_test_id("chart-cohorts-empty").inner_text()


def test_dates_typed_while_the_first_figures_load_stay_as_typed(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    held = []
    page.route("**/admin/api/analytics/report*", lambda route: held.append(route) if not held else route.continue_())
    sign_in(app, page, live_url, shopify_shop)
    page.wait_for_function("() => document.querySelector('[data-testid=period-from]') !== null")
    page.fill("[data-testid=period-from]", "2025-01-01")
    page.fill("[data-testid=period-to]", "2025-12-31")

    held[0].continue_()  # the default period's figures arrive after the merchant typed

    page.get_by_test_id("section-retention").wait_for()
    assert page.input_value("[data-testid=period-from]") == "2025-01-01"
    assert page.input_value("[data-testid=period-to]") == "2025-12-31"
