"""In Chromium: the members list pages with a total and tiers and opens by keyboard; a member's page groups
numbers per locale, names who booked an entry and refuses fractional or overdrawing adjustments."""

from __future__ import annotations

import pytest

from app.models import Member, MemberTier, Tier
from app.services.admin_members import adjust_points
from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser


def _many_members(container, shop, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` members; the newest is in the Gold tier."""
    now = container.clock.now()
    with container.uow() as uow:
        rows = [Member(shop_id=shop.id, customer_ref=f"c{i}", email=f"m{i}@example.de", first_name=f"Kunde {i}",
                       joined_at=now, updated_at=now) for i in range(count)]
        uow.session.add_all(rows)
        uow.session.add(Tier(shop_id=shop.id, key="gold", name="Gold", threshold=500, position=0))
        uow.session.flush()
        uow.session.add(MemberTier(member_id=rows[-1].id, shop_id=shop.id, tier_key="gold", since=now))
        uow.commit()


def test_the_members_list_shows_the_total_pages_on_and_has_a_tier_column(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    _many_members(container, shopify_shop, 55)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-members").click()
    assert page.get_by_test_id("member-count").inner_text() == "1–50 von 55 Mitgliedern"
    assert page.locator("[data-testid=member-table] tbody tr").count() == 50
    assert "Gold" in page.locator("[data-testid=member-table] tbody tr").first.inner_text()
    page.get_by_test_id("member-next").click()
    page.get_by_test_id("member-count").filter(has_text="51–55").wait_for()
    assert page.locator("[data-testid=member-table] tbody tr").count() == 5
    assert page.get_by_test_id("member-next").is_disabled()


def test_a_member_row_is_reached_and_opened_by_keyboard(app, container, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    member = member_with_points(container, shopify_shop, 50)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-members").click()
    page.get_by_test_id(f"member-link-{member.id}").wait_for()  # the list loads after the tab opens
    page.get_by_test_id("member-search").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == f"member-link-{member.id}":
            break
    assert page.evaluate("document.activeElement.dataset.testid") == f"member-link-{member.id}"
    page.keyboard.press("Enter")
    page.get_by_test_id("member-page").wait_for()
    assert page.get_by_test_id("member-number").inner_text() == f"Mitglieds-Nr. {member.id}"


@pytest.mark.parametrize(("toggle", "shown"), [(False, "98.210"), (True, "98,210")])
def test_large_balances_are_grouped_for_the_pages_language(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, toggle: bool, shown: str
) -> None:
    member = member_with_points(container, shopify_shop, 50)
    now = container.clock.now()
    adjust_points(container.uow(), shopify_shop.id, member.id, 98160, "Import", actor="system", now=now)
    sign_in(app, page, live_url, shopify_shop)
    if toggle:
        page.get_by_test_id("lang-toggle").click()
    page.goto(f"{live_url}/admin#members/{member.id}")
    assert page.get_by_test_id("member-balance").inner_text() == shown
    assert page.get_by_test_id("ledger-table").locator("tbody tr").first.locator("td").nth(2).inner_text() == "System"


def test_the_ledger_names_an_admin_signed_in_by_login_link(app, container, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    member = member_with_points(container, shopify_shop, 50)
    sign_in(app, page, live_url, shopify_shop)
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("adjust-points").fill("5")
    page.get_by_test_id("adjust-reason").fill("Kulanz")
    page.get_by_test_id("adjust-submit").click()
    page.get_by_test_id("member-balance").filter(has_text="55").wait_for()
    by = page.get_by_test_id("ledger-table").locator("tbody tr").first.locator("td").nth(2).inner_text()
    assert by == "Admin (Login-Link)"


@pytest.mark.parametrize(("points", "message"), [("1.5", "ganze Zahl"), ("-51", "unter null")])
def test_a_fractional_or_overdrawing_adjustment_is_refused_next_to_the_points_field(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, points: str, message: str
) -> None:
    member = member_with_points(container, shopify_shop, 50)
    sign_in(app, page, live_url, shopify_shop)
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("adjust-points").fill(points)
    page.get_by_test_id("adjust-reason").fill("Test")
    page.get_by_test_id("adjust-submit").click()
    assert message in page.get_by_test_id("error-points").inner_text()
    assert page.get_by_test_id("member-balance").inner_text() == "50"
