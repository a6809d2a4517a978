"""In Chromium: the admin page's language (toggle > URL parameter > shop) and the language its API calls ask for."""

from __future__ import annotations

import pytest

from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser




def test_every_admin_api_call_asks_for_the_pages_language(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    asked: dict[str, str | None] = {}
    page.on("request", lambda r: asked.setdefault(r.url, r.headers.get("accept-language"))
            if "/admin/api/" in r.url else None)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-members").click()
    page.get_by_test_id("member-results").get_by_text("Keine Mitglieder").wait_for()
    page.get_by_test_id("lang-toggle").click()
    asked.clear()
    page.get_by_test_id("tab-segments").click()
    with page.expect_request("**/admin/api/export/members.csv") as download:
        page.get_by_test_id("members-csv").click()
    assert download.value.headers.get("accept-language") == "en"
    assert set(asked.values()) == {"en"}, asked


@pytest.mark.parametrize("query", ["lang=en", "locale=en-US"])
def test_a_language_asked_for_in_the_url_beats_the_shops_after_sign_in(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop, query: str
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.goto(f"{live_url}/admin?{query}")
    page.get_by_test_id("tab-members").wait_for()
    assert page.get_by_test_id("tab-members").inner_text() == "Members"
    assert page.evaluate("document.documentElement.lang") == "en"


def test_the_toggles_stored_choice_beats_the_url_parameter(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shopify_shop)
    page.goto(f"{live_url}/admin?lang=en")
    page.get_by_test_id("lang-toggle").click()
    page.goto(f"{live_url}/admin?lang=en")
    page.get_by_test_id("tab-members").wait_for()
    assert page.get_by_test_id("tab-members").inner_text() == "Mitglieder"
