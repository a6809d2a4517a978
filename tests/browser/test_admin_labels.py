"""In Chromium: every input, select and textarea on every admin tab (and a member's page) has an accessible name."""

from __future__ import annotations

import pytest

from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser

UNNAMED = """() => [...document.querySelectorAll("#la-main input, #la-main select, #la-main textarea")]
  .filter((el) => el.type !== "hidden")
  .filter((el) => {
    const byLabel = [...(el.labels || [])].some((label) => label.textContent.trim());
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const byIds = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .some((id) => (document.getElementById(id)?.textContent || "").trim());
    return !(byLabel || byAria || byIds);
  })
  .map((el) => el.dataset.testid || el.name || el.outerHTML.slice(0, 80))"""


def _unnamed_on(page, testid: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.get_by_test_id(testid).click()
    page.wait_for_load_state("networkidle")
    return page.evaluate(UNNAMED)  # type: ignore[no-any-return]


def test_every_form_control_on_every_tab_has_an_accessible_name(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    member = member_with_points(container, shopify_shop, 50)
    sign_in(app, page, live_url, shopify_shop)
    tabs = page.locator("nav.la-tabs [data-testid^=tab-]").evaluate_all("(els) => els.map((e) => e.dataset.testid)")
    unnamed = {tab: _unnamed_on(page, tab) for tab in tabs}
    page.get_by_test_id("tab-campaigns").click()
    for action in ("coupon", "message"):
        page.get_by_test_id("campaign-action").select_option(action)
        unnamed[f"campaigns/{action}"] = page.evaluate(UNNAMED)
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("member-page").wait_for()
    page.get_by_test_id("member-redeem-form").wait_for()  # the member's sections load after the page opens
    page.wait_for_load_state("networkidle")
    unnamed["member page"] = page.evaluate(UNNAMED)
    assert len(tabs) >= 10
    assert {tab: names for tab, names in unnamed.items() if names} == {}
