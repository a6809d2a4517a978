"""In Chromium: the members list and a member's page say since when someone is a member (German and English),
and the list sorts by it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.models import Member
from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser


def _member(container, shop, email: str, days_ago: int) -> int:  # type: ignore[no-untyped-def]
    joined = container.clock.now() - timedelta(days=days_ago)
    with container.uow() as uow:
        row = Member(shop_id=shop.id, customer_ref=email, email=email, first_name=email.split("@")[0],
                     joined_at=joined, updated_at=joined)
        uow.session.add(row)
        uow.commit()
        return row.id


@pytest.mark.parametrize(("english", "header", "since"), [
    (False, "Mitglied seit", "Mitglied seit 01.03.2025"),
    (True, "Member since", "Member since Mar 1, 2025"),
])
def test_the_list_and_the_members_page_show_since_when_someone_is_a_member(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, english: bool, header: str, since: str
) -> None:
    member_id = _member(container, shopify_shop, "anna@example.de", days_ago=366)  # the clock stands at 2026-03-02
    sign_in(app, page, live_url, shopify_shop)
    if english:
        page.get_by_test_id("lang-toggle").click()

    page.get_by_test_id("tab-members").click()
    expect(page.get_by_test_id(f"member-joined-{member_id}")).to_have_text(since.split(" ", 2)[-1])
    assert header in page.locator("[data-testid=member-table] th").all_inner_texts()
    page.get_by_test_id(f"member-link-{member_id}").click()

    expect(page.get_by_test_id("member-joined")).to_have_text(since)


def test_the_members_list_sorts_by_the_day_they_joined(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    # joined in another order than created, as after an import of an older programme
    old = _member(container, shopify_shop, "alt@example.de", days_ago=700)
    new = _member(container, shopify_shop, "neu@example.de", days_ago=1)
    middle = _member(container, shopify_shop, "mitte@example.de", days_ago=90)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-members").click()
    rows = page.locator("[data-testid=member-table] tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-testid") for i in range(3)] == [
        f"member-row-{new}", f"member-row-{middle}", f"member-row-{old}"]

    page.get_by_test_id("member-sort").select_option("joined_asc")

    expect(rows.first).to_have_attribute("data-testid", f"member-row-{old}")
    assert [rows.nth(i).get_attribute("data-testid") for i in range(3)] == [
        f"member-row-{old}", f"member-row-{middle}", f"member-row-{new}"]
