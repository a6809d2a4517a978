"""In Chromium: the members tab finds German names typed with umlauts or as a full name, sorts by points and filters
by tier; on a phone a member's points and balances are on screen; a member's page links to who referred them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.container import Container
from app.models import Member, MemberTier, Shop
from app.services.admin_members import adjust_points
from tests.support.admin import sign_in_page as sign_in
from tests.support.deliveries import member_by_email
from tests.support.referrals import FRIEND, REFERRER, refer_a_friend_who_orders
from tests.support.rewards import bronze_silber_gold, member_with_points, save_program

pytestmark = pytest.mark.browser

# (email, first name, last name, balance)
PEOPLE = [("oeztuerk@example.de", "Ali", "Öztürk", 120), ("aenne@example.de", "Änne", "Weiß", 300),
          ("lena@example.de", "Lena", "Schröder", 75), ("max@example.de", "Max", "Mustermann", 98210)]
# Each cell of a table: its column's label as the phone shows it, its text, and where it sits on screen.
CELLS = """(testid) => [...document.querySelectorAll(`[data-testid=${testid}] tbody td`)].map((td) => {
  const box = td.getBoundingClientRect();
  return { label: getComputedStyle(td, "::before").content, text: td.innerText, left: box.left, right: box.right,
           width: box.width, column: td.cellIndex };
})"""


def _people(container: Container, shop: Shop) -> dict[str, int]:
    """PEOPLE, joined a day apart; the tiers Bronze, Silber and Gold, Änne in Gold."""
    save_program(container, shop, bronze_silber_gold())
    now = container.clock.now()
    with container.uow() as uow:
        rows = {email: Member(shop_id=shop.id, customer_ref=email, email=email, first_name=first, last_name=last,
                              balance=balance, joined_at=now - timedelta(days=i), updated_at=now)
                for i, (email, first, last, balance) in enumerate(PEOPLE)}
        uow.session.add_all(rows.values())
        uow.session.flush()
        uow.session.add(MemberTier(member_id=rows["aenne@example.de"].id, shop_id=shop.id, tier_key="gold", since=now))
        ids = {email: row.id for email, row in rows.items()}
        uow.commit()
    return ids


def _shown_names(page: Page) -> list[str]:
    return page.locator("[data-testid=member-table] tbody td:first-child").all_inner_texts()


@pytest.mark.parametrize(("typed", "name"), [("Öztürk", "Ali Öztürk"), ("änne", "Änne Weiß"),
                                             ("Lena Schröder", "Lena Schröder"), ("Schröder, Lena", "Lena Schröder")])
def test_the_member_search_finds_german_names_and_full_names(  # type: ignore[no-untyped-def]
    app, container, live_url, page: Page, shopify_shop, typed: str, name: str
) -> None:
    _people(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-members").click()
    page.get_by_test_id("member-count").filter(has_text="von 4").wait_for()

    page.get_by_test_id("member-search").fill(typed)
    page.get_by_test_id("member-search-submit").click()

    expect(page.get_by_test_id("member-count")).to_have_text("1–1 von 1 Mitgliedern")
    assert _shown_names(page) == [name]


def test_the_members_list_sorts_by_points_and_shows_one_tier_when_asked(  # type: ignore[no-untyped-def]
    app, container, live_url, page: Page, shopify_shop
) -> None:
    _people(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-members").click()
    page.get_by_test_id("member-count").filter(has_text="von 4").wait_for()

    page.get_by_test_id("member-sort").select_option(label="Punkte: höchste zuerst")
    expect(page.locator("[data-testid=member-table] tbody td:first-child").first).to_have_text("Max Mustermann")
    assert _shown_names(page) == ["Max Mustermann", "Änne Weiß", "Ali Öztürk", "Lena Schröder"]
    page.get_by_test_id("member-tier").select_option(label="Gold")

    expect(page.get_by_test_id("member-count")).to_have_text("1–1 von 1 Mitgliedern")
    assert _shown_names(page) == ["Änne Weiß"]


def test_the_sort_and_filter_labels_are_english_on_an_english_page(  # type: ignore[no-untyped-def]
    app, container, live_url, page: Page, shopify_shop
) -> None:
    _people(container, shopify_shop)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id("tab-members").click()
    page.get_by_test_id("member-count").filter(has_text="of 4").wait_for()
    expect(page.locator("[data-testid=member-tier] option")).to_have_count(4)  # the tiers come in their own request

    sorts = page.locator("[data-testid=member-sort] option").all_inner_texts()
    tiers = page.locator("[data-testid=member-tier] option").all_inner_texts()

    assert "Points: highest first" in sorts
    assert "Last name: A–Z" in sorts
    assert tiers == ["All tiers", "Bronze", "Silber", "Gold"]  # the programme names them in German only
    expect(page.locator("label[for=member-with-pending]")).to_have_text("only with pending points")


def _on_screen(cells: list[dict], width: int) -> None:
    assert cells
    assert all(0 <= c["left"] and c["right"] <= width and c["width"] > 0 for c in cells), cells


def test_on_a_phone_a_members_points_and_balances_are_on_screen_with_their_labels(  # type: ignore[no-untyped-def]
    app, container, live_url, sized: tuple[Page, int], shopify_shop
) -> None:
    page, width = sized
    member = member_with_points(container, shopify_shop, 161)
    adjust_points(container.uow(), shopify_shop.id, member.id, 98049, "Kulanz nach Reklamation", actor="system",
                  now=container.clock.now())
    sign_in(app, page, live_url, shopify_shop)

    page.goto(f"{live_url}/admin#members")
    page.get_by_test_id(f"member-row-{member.id}").wait_for()
    listed = page.evaluate(CELLS, "member-table")
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("ledger-table").wait_for()
    ledger = page.evaluate(CELLS, "ledger-table")

    points = [c for c in listed if c["column"] == 4]
    figures = [c for c in ledger if c["column"] in (3, 4)]  # points and balance
    _on_screen(points + figures, width)
    assert [c["text"] for c in points] == ["98.210"]
    assert "98.210" in [c["text"] for c in figures]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 600:  # stacked: each figure says what it is, as the hidden header did
        assert [c["label"] for c in points] == ['"Punkte"']
        assert {c["label"] for c in figures} == {'"Punkte"', '"Stand"'}
    else:
        expect(page.locator("[data-testid=ledger-table] thead")).to_be_visible()


def test_a_members_page_links_to_the_referrers_page_by_their_name_shown_as_text(  # type: ignore[no-untyped-def]
    app, container: Container, live_url, page: Page, shopify_shop, clock
) -> None:
    refer_a_friend_who_orders(container, shopify_shop, clock, settle=False)
    referrer = member_by_email(container, shopify_shop, REFERRER.email or "")
    friend = member_by_email(container, shopify_shop, FRIEND.email or "")
    hostile = '<img src=x onerror="window.__xss=1">'
    with container.uow() as uow:
        stored = uow.session.get(Member, referrer.id)
        assert stored is not None
        stored.first_name, stored.last_name = "Jürgen", f"Weiß {hostile}"
        uow.commit()
    sign_in(app, page, live_url, shopify_shop)

    page.goto(f"{live_url}/admin#members/{friend.id}")
    link = page.get_by_test_id("member-referrer-link")

    expect(page.get_by_test_id("member-referred-by")).to_have_text(f"Geworben von Jürgen Weiß {hostile}")
    assert page.get_by_test_id("member-page").evaluate("el => el.querySelectorAll('img').length") == 0
    link.click()
    expect(page.get_by_test_id("member-number")).to_have_text(f"Mitglieds-Nr. {referrer.id}")
    assert page.evaluate("typeof window.__xss") == "undefined"
    expect(page.get_by_test_id("member-referred-by")).to_have_count(0)
