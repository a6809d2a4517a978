"""In Chromium: admin tables never split a date, a number, a status or a word mid-way, on a phone or a desktop;
a table too wide for a phone scrolls in place, the page does not; the outbox tells due and sent times apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.models import OutboxMessage
from app.services.admin_members import adjust_points
from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser

# How many lines the text of an element takes: the distinct tops of its text's boxes.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top));
  return new Set(tops).size;
}"""
# The words of an element's text that are split across lines.
SPLIT_WORDS = """el => {
  const split = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top));
      if (new Set(tops).size > 1) split.push(match[0]);
    }
  }
  return split;
}"""
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _lines(page: Page, selector: str) -> dict[str, int]:
    cells = page.locator(selector)
    assert cells.count() > 0, selector
    return {cells.nth(i).inner_text(): cells.nth(i).evaluate(LINES) for i in range(cells.count())}


def _no_split_words(page: Page, selector: str) -> None:
    cells = page.locator(selector)
    assert cells.count() > 0, selector
    split = [word for i in range(cells.count()) for word in cells.nth(i).evaluate(SPLIT_WORDS)]
    assert split == []


def _one_line_each(page: Page, selector: str) -> None:
    lines = _lines(page, selector)
    assert all(n == 1 for n in lines.values()), lines


def test_a_members_ledger_lots_and_list_keep_dates_numbers_and_words_whole(  # type: ignore[no-untyped-def]
    app, container, live_url, sized, shopify_shop
) -> None:
    page, width = sized
    member = member_with_points(container, shopify_shop, 161)
    adjust_points(container.uow(), shopify_shop.id, member.id, 12, "Kulanz nach Reklamation", actor="system",
                  now=container.clock.now())
    sign_in(app, page, live_url, shopify_shop)

    page.goto(f"{live_url}/admin#members")
    page.get_by_test_id(f"member-row-{member.id}").wait_for()
    _no_split_words(page, f"[data-testid=member-row-{member.id}] td")  # a name may wrap between its words
    for column in (2, 4, 5, 6):  # email, joined, points, pending
        _one_line_each(page, f"[data-testid=member-row-{member.id}] td:nth-child({column})")
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("ledger-table").wait_for()

    for column in (1, 3, 4, 5):  # date, by whom ("System"), points ("+161"), balance
        _one_line_each(page, f"[data-testid=ledger-table] tbody td:nth-child({column})")
    _no_split_words(page, "[data-testid=ledger-table] tbody td")
    for column in (1, 2, 4):  # points, left, expires
        _one_line_each(page, f"[data-testid=lots-table] tbody td:nth-child({column})")
    _one_line_each(page, "[data-testid=lots-table] tbody td:nth-child(3) .la-date")
    assert page.evaluate(PAGE_WIDTH) <= width


def test_the_outbox_keeps_statuses_and_times_whole_and_says_when_a_message_was_sent(  # type: ignore[no-untyped-def]
    app, container, live_url, sized, shopify_shop
) -> None:
    page, width = sized
    member = member_with_points(container, shopify_shop, 50)
    now = container.clock.now()
    due, sent = now - timedelta(hours=2), now - timedelta(minutes=15)
    with container.uow() as uow:
        uow.session.add(OutboxMessage(
            shop_id=shopify_shop.id, member_id=member.id, kind="thank_you", locale="de", to_email=member.email,
            dedupe_key="sent-one", context={}, status="sent", due_at=due, sent_at=sent, attempts=1,
            created_at=due, updated_at=sent))
        uow.commit()
    sign_in(app, page, live_url, shopify_shop)

    page.get_by_test_id("tab-emails").click()
    row = page.locator("[data-testid=outbox-row][data-status=sent]")
    expect(row).to_have_count(1)

    expect(row.get_by_test_id("outbox-due")).to_have_text(_shown(page, due))
    expect(row.get_by_test_id("outbox-sent")).to_have_text(_shown(page, sent))
    headers = page.locator("[data-testid=outbox-table] th").all_inner_texts()
    assert {"Fällig", "Gesendet"} <= set(headers)
    _one_line_each(page, "[data-testid=outbox-row] .la-badge")
    _one_line_each(page, "[data-testid=outbox-row] [data-testid=outbox-due]")
    _one_line_each(page, "[data-testid=outbox-row] [data-testid=outbox-sent]")
    assert page.evaluate(PAGE_WIDTH) <= width


def _shown(page: Page, moment: object) -> str:
    """A moment as the admin page writes it (German, date and time)."""
    iso = moment.isoformat()  # type: ignore[attr-defined]
    return page.evaluate("iso => window.LoyaltyAdmin.ctx().date(iso)", iso)


def test_a_long_unbroken_reason_may_wrap_but_the_ledger_date_beside_it_does_not(  # type: ignore[no-untyped-def]
    app, container, live_url, sized, shopify_shop
) -> None:
    page, width = sized
    member = member_with_points(container, shopify_shop, 50)
    adjust_points(container.uow(), shopify_shop.id, member.id, 5, "x" * 200, actor="system",
                  now=container.clock.now())
    sign_in(app, page, live_url, shopify_shop)

    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("ledger-table").wait_for()

    _one_line_each(page, "[data-testid=ledger-table] tbody td:nth-child(1)")
    assert page.evaluate(PAGE_WIDTH) <= width
