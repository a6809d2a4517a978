"""In Chromium: the outbox scrolls inside its card instead of running over its border, and the e-mail editor's
live preview stays in reach: beside the editors while scrolling on a desktop, under the text being edited on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.container import Container
from app.models import OutboxMessage, Shop
from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser

# The box that shows the table: the nearest element from the table up to its card that clips what is wider than
# itself (scrolls); null when none does and the table runs over the card's border.
TABLE_VIEW = """(table) => {
  const card = table.closest(".la-card");
  for (let el = table; el && card.contains(el); el = el.parentElement) {
    if (["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX)) {
      const box = el.getBoundingClientRect(), edge = card.getBoundingClientRect();
      return { left: box.left, right: box.right, cardLeft: edge.left, cardRight: edge.right };
    }
  }
  return null;
}"""
LONG_ERROR = "SMTP 550 5.1.1 <hannelore.schreiber-mustermann@beispiel-kaffeeroesterei.de>: Empfänger unbekannt"


def _failed_message(container: Container, shop: Shop) -> None:
    member = member_with_points(container, shop, 50)
    due = container.clock.now() - timedelta(hours=2)
    with container.uow() as uow:
        uow.session.add(OutboxMessage(
            shop_id=shop.id, member_id=member.id, kind="thank_you", locale="de",
            to_email="hannelore.schreiber-mustermann@beispiel-kaffeeroesterei.de", dedupe_key="failed-one",
            context={}, status="failed", due_at=due, attempts=5, last_error=LONG_ERROR, created_at=due, updated_at=due))
        uow.commit()


def test_a_wide_outbox_scrolls_inside_its_card_on_a_desktop(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    _failed_message(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)

    page.get_by_test_id("tab-emails").click()
    table = page.get_by_test_id("outbox-table")
    expect(table.get_by_test_id("outbox-retry")).to_be_visible()

    view = table.evaluate(TABLE_VIEW)
    assert view is not None, "the table runs over its card"
    assert view["cardLeft"] <= view["left"], view
    assert view["right"] <= view["cardRight"], view
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_live_preview_stays_beside_the_editors_while_scrolling_on_a_desktop(  # type: ignore[no-untyped-def]
    app, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()
    page.get_by_test_id("email-settings-save").wait_for()

    page.evaluate("""() => window.scrollTo(0, window.scrollY
      + document.querySelectorAll("fieldset[data-kind]")[2].getBoundingClientRect().top)""")
    assert page.evaluate("window.scrollY") > 900

    preview = page.get_by_test_id("email-preview").bounding_box()
    editors = page.get_by_test_id("email-settings-form").bounding_box()
    assert preview
    assert editors
    assert preview["y"] >= 0, preview
    assert preview["y"] + preview["height"] <= 900, preview
    assert preview["x"] >= editors["x"] + editors["width"], (preview, editors)


def test_on_a_phone_the_live_preview_follows_the_text_being_edited(  # type: ignore[no-untyped-def]
    app, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()
    fieldsets = page.locator("fieldset[data-kind]")
    fieldsets.last.wait_for()
    edited = fieldsets.nth(fieldsets.count() - 2)
    kind = edited.get_attribute("data-kind")

    edited.get_by_test_id(f"email-{kind}-subject-en").click()

    fieldset = edited.bounding_box()
    preview = page.get_by_test_id("email-preview").bounding_box()
    assert fieldset
    assert preview
    assert 0 <= preview["y"] - (fieldset["y"] + fieldset["height"]) <= 40, (fieldset, preview)
    expect(page.get_by_test_id("email-preview-kind")).to_have_value(kind or "")
    expect(page.get_by_test_id("email-preview-locale")).to_have_value("en")
