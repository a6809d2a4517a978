"""In Chromium: a sync of a shop without a platform connection explains itself once, in the merchant's words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.shops import NewShop, add_shop
from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

EXPLANATION = "Der Shop ist noch nicht verbunden"


@pytest.fixture
def unconnected(container):  # type: ignore[no-untyped-def]
    return add_shop(container.uow(), container.box,
                    NewShop("shopify", "noch-ohne-token.myshopify.com", name="Demo-Shop"), container.clock.now())


def _sync_now(app, page, live_url, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.get_by_test_id("tab-sync").click()
    page.get_by_test_id("sync-empty").wait_for()
    page.get_by_test_id("sync-now").click()
    page.get_by_test_id("sync-runs").wait_for()


def test_a_failed_sync_counts_one_error_in_the_singular(app, live_url, page, unconnected) -> None:  # type: ignore[no-untyped-def]
    _sync_now(app, page, live_url, unconnected)

    expect(page.get_by_test_id("toast-error").last).to_contain_text("Abgleich mit 1 Fehler beendet")


def test_a_failed_syncs_error_is_listed_once_without_the_developers_text(  # type: ignore[no-untyped-def]
    app, live_url, page, unconnected
) -> None:
    _sync_now(app, page, live_url, unconnected)

    panel = page.get_by_test_id("panel-sync")
    expect(panel.locator("li", has_text=EXPLANATION)).to_have_count(1)
    assert "PlatformNotConnected" not in panel.inner_text()
    assert "access token for this shop" not in panel.inner_text()


def test_only_runs_with_repairs_says_none_repaired_when_runs_exist(  # type: ignore[no-untyped-def]
    app, live_url, page, unconnected
) -> None:
    _sync_now(app, page, live_url, unconnected)
    page.get_by_test_id("sync-only-repaired").check()

    expect(page.get_by_test_id("sync-empty")).to_have_text("Kein Abgleich hat bisher Punkte repariert.")
