"""In Chromium: a button sends its request once however often it is clicked while the request runs; the referral
list names who decided in words and shows the friend's welcome coupon; the webhook inbox's retry is within reach
on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from app.models import WebhookDelivery
from app.services import referrals
from app.services.referrals import reports
from tests.support.admin import sign_in_page as sign_in
from tests.support.deliveries import deliver, member_by_email
from tests.support.referrals import REFERRER, refer_a_friend_who_orders
from tests.support.rewards import add_reward
from tests.support.snapshots import order


def held_requests(page, path: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Requests to `path`, held unanswered (as a slow server would) until the test answers them."""
    held: list = []  # type: ignore[type-arg]
    page.route(f"**{path}", lambda route: held.append(route))
    return held


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Let the page run what a click started (its handlers are done once a fresh task has run)."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")


def failed_delivery(container, shop, clock) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        delivery = WebhookDelivery(
            shop_id=shop.id, platform="shopify", delivery_id="d-failed", topic="orders/updated", headers={},
            body=b"{}", status="failed", attempts=3, received_at=clock.now(),
            last_error="KeyError: 'line_items' " + "while reading the order's lines " * 4)
        uow.session.add(delivery)
        uow.commit()
        return delivery


def test_a_double_click_on_register_webhooks_sends_one_request(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-webhooks").click()
    register = page.get_by_test_id("webhooks-register")
    held = held_requests(page, "/admin/api/webhooks/register")

    register.dblclick()
    settle(page)
    expect(register).to_be_disabled()
    assert len(held) == 1
    held[0].fulfill(json={"topics": 6})

    page.get_by_test_id("toast-ok").first.wait_for()
    expect(register).to_be_enabled()
    assert len(held) == 1


def test_a_double_click_on_save_creates_one_reward(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-rewards").click()
    page.get_by_test_id("reward-new").click()
    held = held_requests(page, "/admin/api/rewards")

    page.get_by_test_id("reward-save").dblclick()
    settle(page)
    assert [r.request.method for r in held] == ["POST"]
    held[0].continue_()

    page.get_by_test_id("toast-ok").first.wait_for()
    assert len([r for r in held if r.request.method == "POST"]) == 1


def test_a_double_click_on_retry_retries_a_delivery_once(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, clock
) -> None:
    delivery = failed_delivery(container, shopify_shop, clock)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-webhooks").click()
    held = held_requests(page, f"/admin/api/webhooks/{delivery.id}/retry")

    page.get_by_test_id(f"retry-{delivery.id}").dblclick()
    settle(page)

    assert len(held) == 1
    expect(page.get_by_test_id(f"retry-{delivery.id}")).to_be_disabled()


def test_the_retry_button_is_in_view_on_a_phone_and_on_a_desktop(  # type: ignore[no-untyped-def]
    app, container, live_url, sized, shopify_shop, clock
) -> None:
    page, width = sized
    delivery = failed_delivery(container, shopify_shop, clock)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-webhooks").click()
    retry = page.get_by_test_id(f"retry-{delivery.id}")
    retry.wait_for()

    box = retry.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    expect(page.get_by_test_id(f"delivery-status-{delivery.id}")).to_have_text("fehlgeschlagen")


def test_an_approved_referral_names_the_admin_who_decided_in_words(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, clock
) -> None:
    deliver(container, shopify_shop, REFERRER)
    juergen = member_by_email(container, shopify_shop, REFERRER.email or "")
    with container.uow() as uow:
        code = referrals.code_for_member(uow.session, shopify_shop.id, juergen.id) or ""
    deliver(container, shopify_shop, order("5003", at=clock.now(), buyer=REFERRER, discount_codes=(code,)))
    [flagged] = reports.list_referrals(container.uow(), shopify_shop.id)
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-referrals").click()

    page.get_by_test_id(f"referral-approve-{flagged['id']}").dblclick()

    decided = page.get_by_test_id(f"referral-decided-{flagged['id']}")
    expect(decided).to_have_text("entschieden von Admin (Login-Link)")
    assert "link:" in (decided.get_attribute("title") or "")
    assert page.get_by_test_id("toast-error").count() == 0


def test_the_referral_list_shows_the_friends_welcome_coupon_and_labels_the_share_that_ordered(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop, clock
) -> None:
    add_reward(container, shopify_shop)
    refer_a_friend_who_orders(container, shopify_shop, clock)
    [referral] = reports.list_referrals(container.uow(), shopify_shop.id)
    assert referral["friend_coupon_code"]
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-referrals").click()

    expect(page.get_by_test_id(f"referral-friend-coupon-{referral['id']}")).to_have_text(referral["friend_coupon_code"])
    stats = page.get_by_test_id("referral-stats")
    expect(stats).to_contain_text("Anteil der Empfehlungen mit Bestellung")
    expect(stats).not_to_contain_text("Quote")
