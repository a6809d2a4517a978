"""In Chromium: the dashboard shows the shop's figures and charts; segments list members; a campaign runs."""

from __future__ import annotations

import pytest

from app.services.campaigns import run_campaigns
from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example

pytestmark = pytest.mark.browser




def test_the_dashboard_renders_figures_and_charts(app, container, shopify_shop, live_url, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)
    page.click("[data-testid=tab-dashboard]")
    page.wait_for_selector("[data-testid=figure-retention_rate]")  # the default period (last twelve months)
    page.fill("[data-testid=period-from]", "2025-01-01")
    page.fill("[data-testid=period-to]", "2025-12-31")
    page.click("[data-testid=period-apply]")
    page.wait_for_selector("[data-testid=figure-retention_rate] strong:has-text('50')")
    assert page.text_content("[data-testid=figure-orders] strong") == "6"
    assert "Kundenbindungsrate" in page.text_content("[data-testid=figure-retention_rate]")
    for chart in ("chart-retention", "chart-cohorts", "chart-abc", "chart-points"):
        assert page.locator(f"[data-testid={chart}] svg").count() == 1, chart
    assert page.get_by_test_id("chart-liability-empty").count() == 1  # nothing of the worked example expires
    assert page.locator("[data-testid=chart-retention] svg circle").count() >= 10
    # twelve months whatever the chosen period, up to its end (not the last twelve before today): the title says so
    assert "(12 Monate bis Periodenende)" in page.text_content("[data-testid=chart-retention]")
    assert "Jan. 25" in page.text_content("[data-testid=chart-retention] svg")  # 2025, not the year before today
    assert page.locator("[data-testid=chart-cohorts] svg rect").count() >= 3
    # the churn window has the name the figures' definitions give it, not a second one
    for caption in ("chart-retention-caption", "chart-cohorts-caption"):
        assert "im Abwanderungsfenster" in page.get_by_test_id(caption).inner_text(), caption
    screenshot("dashboard")


def test_segments_list_members_and_a_campaign_shows_its_progress(  # type: ignore[no-untyped-def]
    app, container, shopify_shop, live_url, page, screenshot
) -> None:
    worked_example(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)
    page.click("[data-testid=tab-segments]")
    page.click("[data-testid=segment-row-A]")
    page.wait_for_selector("[data-testid=segment-members]")
    assert "3" in page.text_content("[data-testid=segment-count]")
    assert page.locator("[data-testid=segment-members] tbody tr").count() == 3
    screenshot("segments")
    page.click("[data-testid=tab-campaigns]")
    page.select_option("[data-testid=campaign-kind]", "abc")
    page.select_option("[data-testid=campaign-value]", "A")
    page.click("[data-testid=campaign-preview]")
    page.wait_for_selector("[data-testid=campaign-preview-count]:has-text('3')")
    page.fill("[data-testid=campaign-name]", "Winterbonus")
    page.click("[data-testid=campaign-run]")
    page.click("[data-testid=campaign-confirm-run]")  # the start asks first how many it reaches
    row = "[data-testid=campaign-list] tr:has-text('Winterbonus')"
    page.wait_for_selector(f"{row}[data-status=queued]:has-text('wartet')")
    run_campaigns(container.uow, container.clock.now())
    page.wait_for_selector(f"{row}[data-status=done]:has-text('fertig')")  # the tab polls while one is under way
    assert "3 / 3" in page.text_content(row)
    screenshot("campaigns")
