"""In Chromium: the campaign form starts bonus, coupon and message campaigns after a confirmation with the count,
refuses what the preview refuses, and the list (with a header row) cancels a campaign that has not finished."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import Campaign, Coupon, Member
from app.services.campaigns import create_campaign, list_campaigns, run_campaigns
from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example

pytestmark = pytest.mark.browser


def open_campaigns(app, page, live_url, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.get_by_test_id("tab-campaigns").click()
    page.get_by_test_id("campaign-form").wait_for()


def campaigns_of(container, shop) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return list_campaigns(container.uow(), shop.id)


def test_a_coupon_campaign_is_started_from_the_form_and_issues_its_coupons(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)  # A/B/C class A: alice, carol, dave
    open_campaigns(app, page, live_url, shopify_shop)
    page.get_by_test_id("campaign-name").fill("Winter")
    page.get_by_test_id("campaign-action").select_option("coupon")
    page.get_by_test_id("campaign-coupon_kind").select_option("fixed_amount")
    page.get_by_label("Wert", exact=True).fill("10")
    page.get_by_test_id("campaign-validity_days").fill("30")
    page.get_by_test_id("campaign-run").click()
    page.get_by_test_id("campaign-confirm-run").click()
    page.get_by_test_id("toast-ok").wait_for()

    [campaign] = campaigns_of(container, shopify_shop)
    params = campaign["params"]
    assert (campaign["action"], params["kind"], params["value"]) == ("coupon", "fixed_amount", "10.00")
    expect(page.get_by_test_id(f"campaign-{campaign['id']}")).to_contain_text("Gutschein")
    assert page.locator(".la-field-error").count() == 0
    run_campaigns(container.uow, container.clock.now())
    with container.uow() as uow:
        coupons = uow.session.scalars(select(Coupon).where(Coupon.source == "campaign")).all()
    assert [c.value for c in coupons] == [Decimal("10")] * 3


def test_a_negative_order_minimum_is_refused_by_the_start_as_by_the_preview(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_campaigns(app, page, live_url, shopify_shop)
    page.get_by_test_id("campaign-kind").select_option("filter")
    page.get_by_test_id("campaign-min_orders").fill("-1")
    page.get_by_test_id("campaign-run").click()
    expect(page.get_by_test_id("error-min_orders")).to_have_text("Muss mindestens 0 sein.")
    expect(page.get_by_test_id("campaign-confirm")).to_have_count(0)
    assert campaigns_of(container, shopify_shop) == []


def test_a_start_asks_for_confirmation_with_the_number_of_members_reached(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_campaigns(app, page, live_url, shopify_shop)
    page.get_by_test_id("campaign-run").click()
    expect(page.get_by_test_id("campaign-confirm-text")).to_have_text(
        "Diese Kampagne erreicht 3 Mitglieder. Jetzt starten?")
    page.get_by_test_id("campaign-confirm-cancel").click()
    expect(page.get_by_test_id("campaign-confirm")).to_have_count(0)
    assert campaigns_of(container, shopify_shop) == []

    page.get_by_test_id("campaign-run").click()
    page.get_by_test_id("campaign-confirm-run").click()
    page.get_by_test_id("toast-ok").wait_for()
    assert [c["total"] for c in campaigns_of(container, shopify_shop)] == [3]


def test_changing_the_segment_clears_the_preview_count_and_withdraws_a_confirmation(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_campaigns(app, page, live_url, shopify_shop)
    count = page.get_by_test_id("campaign-preview-count")
    page.get_by_test_id("campaign-preview").click()
    expect(count).to_have_text("Erreicht 3 Mitglieder")
    page.get_by_test_id("campaign-kind").select_option("filter")
    expect(count).to_have_text("")

    page.get_by_test_id("campaign-run").click()
    page.get_by_test_id("campaign-confirm").wait_for()
    page.get_by_test_id("campaign-min_orders").fill("2")
    expect(count).to_have_text("")
    expect(page.get_by_test_id("campaign-confirm")).to_have_count(0)


def test_a_message_counts_and_confirms_only_the_members_with_consent(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    ids = worked_example(container, shopify_shop)
    with container.uow() as uow:
        uow.session.get(Member, ids["dave"]).accepts_marketing = False
        uow.commit()
    open_campaigns(app, page, live_url, shopify_shop)
    count = page.get_by_test_id("campaign-preview-count")
    page.get_by_test_id("campaign-preview").click()
    expect(count).to_have_text("Erreicht 3 Mitglieder")

    page.get_by_test_id("campaign-action").select_option("message")
    expect(count).to_have_text("")
    page.get_by_test_id("campaign-preview").click()
    expect(count).to_have_text("Erreicht 2 Mitglieder mit Einwilligung (von 3 im Segment)")
    page.get_by_test_id("campaign-subject-de").fill("Winter")
    page.get_by_test_id("campaign-body-de").fill("Neue Sorten!")
    page.get_by_test_id("campaign-run").click()
    expect(page.get_by_test_id("campaign-confirm-text")).to_have_text(
        "Diese Kampagne erreicht 2 Mitglieder mit Einwilligung (von 3 im Segment). Jetzt starten?")


def test_the_campaign_list_has_a_header_row(app, container, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    open_campaigns(app, page, live_url, shopify_shop)
    headers = page.get_by_test_id("campaign-list").locator("thead th").all_inner_texts()
    assert headers[:8] == ["Name", "Aktion", "Status", "Fortschritt", "Erreicht", "Ergebnis", "Gestartet von",
                           "Angelegt"]


def test_a_queued_campaign_is_cancelled_from_the_list_and_never_runs(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    created = create_campaign(container.uow(), shopify_shop.id, name="Winter", segment={"kind": "all"},
                              action="bonus", params={"points": 5}, actor="test", now=container.clock.now())
    open_campaigns(app, page, live_url, shopify_shop)
    page.get_by_test_id(f"campaign-{created['id']}-cancel").click()
    expect(page.get_by_test_id(f"campaign-{created['id']}-status")).to_have_text("abgebrochen")
    expect(page.get_by_test_id(f"campaign-{created['id']}-cancel")).to_have_count(0)
    run_campaigns(container.uow, container.clock.now())
    with container.uow() as uow:
        campaign = uow.session.scalars(select(Campaign)).one()
    assert (campaign.status, campaign.processed) == ("cancelled", 0)
