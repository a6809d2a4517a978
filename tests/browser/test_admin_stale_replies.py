"""In Chromium: when a merchant changes a list's filter or search while the first answer is still on its way,
the late first answer does not overwrite the newer one (webhook inbox, member search, outbox, reviews)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

STALE = "stale-reply@example.de"
AT = "2026-11-20T10:00:00+00:00"

# Marks every API reply the page has read, one task after reading it: by then every promise continuation of
# that reply (ctx.api, the list's load, its rendering) has run, so the test knows without waiting for time.
READ_PROBE = """
window.__read = [];
const originalFetch = window.fetch;
window.fetch = async (input, init) => {
  const response = await originalFetch(input, init);
  const url = new URL(String(input), location.href).href;
  const originalText = response.text.bind(response);
  response.text = () => originalText().finally(() => setTimeout(() => window.__read.push(url), 0));
  return response;
};
"""


@dataclass(frozen=True)
class Case:
    """One list: its tab and API path, the control the merchant narrows it with, what the newer answer shows."""

    tab: str
    path: str
    view: str
    control: str
    value: str
    fresh_text: str
    stale_body: Any


# fmt: off
DELIVERY = {"id": 1, "received_at": AT, "topic": STALE, "status": "failed", "attempts": 1, "last_error": ""}
MEMBER = {"id": 1, "name": "Alt", "email": STALE, "balance": 0, "pending": 0}
MESSAGE = {"id": 1, "kind": "thank_you", "to_email": STALE, "status": "pending", "due_at": AT, "attempts": 0}
REVIEW = {"rating": 1, "flagged": False, "product_title": "Alt", "body": STALE, "member_name": "Alt",
          "recommend_score": None, "created_at": AT}
CASES = [
    Case("webhooks", "/admin/api/webhooks", "webhook-list", "webhook-status", "all", "Keine Zustellungen.",
         [DELIVERY]),
    Case("members", "/admin/api/members", "member-results", "member-search", "niemand", "Keine Mitglieder gefunden.",
         [MEMBER]),
    Case("emails", "/admin/api/outbox", "panel-emails", "outbox-status", "failed", "Keine Nachrichten.",
         {"total": 1, "items": [MESSAGE]}),
    Case("emails", "/admin/api/reviews", "panel-emails", "reviews-rating", "5", "Noch keine Bewertungen.",
         {"items": [REVIEW]}),
]
# fmt: on


def narrow(page: Page, case: Case) -> None:
    """What the merchant does while the first answer is still on its way: search, or pick another filter."""
    control = page.get_by_test_id(case.control)
    if case.control == "member-search":
        control.fill(case.value)
        page.get_by_test_id("member-search-submit").click()
    else:
        control.select_option(case.value)




@pytest.mark.parametrize("case", CASES, ids=lambda case: case.path.rsplit("/", 1)[-1])
def test_a_late_answer_to_the_first_load_does_not_overwrite_the_newer_filter(  # type: ignore[no-untyped-def]
    app, shopify_shop, live_url, page, case: Case
) -> None:
    held: list[Route] = []

    def hold_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.add_init_script(READ_PROBE)
    sign_in(app, page, live_url, shopify_shop)
    page.route(lambda url: urlsplit(url).path == case.path, hold_first)
    page.get_by_test_id(f"tab-{case.tab}").click()
    narrow(page, case)
    view = page.get_by_test_id(case.view)
    expect(view).to_contain_text(case.fresh_text)

    first = held[0].request.url
    assert case.value not in urlsplit(first).query  # the held request is the first load, not the newer one
    held[0].fulfill(json=case.stale_body)
    page.wait_for_function("url => window.__read.includes(url)", arg=first)

    expect(view).to_contain_text(case.fresh_text)
    expect(view).not_to_contain_text(STALE)
