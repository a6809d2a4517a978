"""In Chromium: a shop without campaigns reads a sentence where the campaign list would be, not an empty card."""

from __future__ import annotations

import pytest

from tests.browser.test_admin_language import sign_in

pytestmark = pytest.mark.browser


def test_the_campaign_tab_without_campaigns_says_none_exist_yet(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-campaigns").click()
    assert "Noch keine Kampagnen" in page.get_by_test_id("campaigns-empty").inner_text()
