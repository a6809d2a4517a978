"""In Chromium: the outbox and the webhook inbox show how many there are and load the rest page by page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.models import WebhookDelivery
from tests.support.admin import sign_in_page as sign_in
from tests.support.deliveries import deliver
from tests.support.snapshots import customer, order

pytestmark = pytest.mark.browser


def test_the_outbox_says_how_many_it_shows_of_all_and_loads_the_rest(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, clock
) -> None:
    for n in range(55):
        buyer = customer(ref=f"p{n}", email=f"kunde{n}@example.de", accepts_marketing=True)
        deliver(container, shopify_shop, order(f"{6000 + n}", at=clock.now(), buyer=buyer))
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()

    expect(page.get_by_test_id("outbox-count")).to_have_text("50 von 55 Nachrichten")
    page.get_by_test_id("outbox-more").click()

    expect(page.get_by_test_id("outbox-count")).to_have_text("55 Nachrichten")
    assert page.get_by_test_id("outbox-row").count() == 55
    assert page.get_by_test_id("outbox-more").count() == 0


def test_the_webhook_inbox_loads_older_deliveries_after_its_first_hundred(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, clock
) -> None:
    with container.uow() as uow:
        uow.session.add_all([
            WebhookDelivery(shop_id=shopify_shop.id, platform="shopify", delivery_id=f"d-{n}", topic="orders/paid",
                            headers={}, body=b"{}", status="processed", attempts=1,
                            received_at=clock.now() - timedelta(minutes=n), processed_at=clock.now())
            for n in range(130)])
        uow.commit()
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-webhooks").click()
    page.select_option("[data-testid=webhook-status]", "processed")

    rows = page.locator("[data-testid=delivery-table] tbody tr")
    expect(rows).to_have_count(100)
    page.get_by_test_id("deliveries-more").click()

    expect(rows).to_have_count(130)
    assert page.get_by_test_id("deliveries-more").count() == 0
