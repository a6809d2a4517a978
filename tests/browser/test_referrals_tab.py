"""In Chromium: the referrals tab shows the flagged queue with reasons, approves, saves settings; member section."""

from __future__ import annotations

from app.services import referrals
from app.services.admin_sessions import issue_login_link
from app.services.referrals import reports
from tests.support import snapshots as s
from tests.support.deliveries import deliver, member_by_email

REFERRER = s.customer("7001", "juergen.weiss@example.de")


def test_a_merchant_reviews_a_flagged_referral_and_changes_the_settings(
    app, live_url, page, screenshot, shopify_shop, clock
):  # type: ignore[no-untyped-def]
    c = app.extensions["container"]
    deliver(c, shopify_shop, REFERRER)
    juergen = member_by_email(c, shopify_shop, REFERRER.email or "")
    with c.uow() as uow:
        code = referrals.code_for_member(uow.session, shopify_shop.id, juergen.id) or ""
    deliver(c, shopify_shop, s.order("5003", at=clock.now(), buyer=REFERRER, discount_codes=(code or "",)))
    referral_id = reports.list_referrals(c.uow(), shopify_shop.id)[0]["id"]
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shopify_shop.id))
    page.goto(link.replace(c.settings.public_url, live_url))

    page.get_by_test_id("tab-referrals").click()
    reasons = page.get_by_test_id(f"referral-reasons-{referral_id}")
    reasons.wait_for()
    screenshot("referrals-queue")
    assert "Selbstempfehlung (gleiches Kundenkonto)" in reasons.inner_text()
    page.get_by_test_id(f"referral-approve-{referral_id}").click()
    page.get_by_test_id("toast-ok").first.wait_for()
    page.get_by_test_id("referral-settings-referrer_points").fill("750")
    page.get_by_test_id("referral-settings-save").click()
    page.get_by_test_id("earning-settings-birthday_points").fill("-5")
    page.get_by_test_id("earning-settings-save").click()
    page.get_by_test_id("error-birthday_points").wait_for()

    assert reports.list_referrals(c.uow(), shopify_shop.id)[0]["status"] == "ordered"
    with c.uow() as uow:
        assert referrals.referral_config(uow.session, shopify_shop.id).referrer_points == 750

    page.goto(f"{live_url}/admin#members/{juergen.id}")
    page.get_by_test_id("member-referral-code").wait_for()
    assert page.get_by_test_id("member-referral-code").inner_text() == code
    screenshot("referrals-member")


def test_a_merchant_switches_the_referrers_reward_from_points_to_a_coupon(
    app, live_url, page, screenshot, shopify_shop
):  # type: ignore[no-untyped-def]
    c = app.extensions["container"]
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shopify_shop.id))
    page.goto(link.replace(c.settings.public_url, live_url))
    page.get_by_test_id("tab-referrals").click()
    points = page.get_by_test_id("referral-settings-referrer_points-field")
    coupon_value = page.get_by_test_id("referral-settings-referrer_coupon_value-field")
    points.wait_for()
    assert coupon_value.is_hidden()

    page.get_by_test_id("referral-settings-referrer_reward").select_option("coupon")
    assert points.is_hidden()
    assert coupon_value.is_visible()
    page.get_by_test_id("referral-settings-referrer_coupon_value").fill("0")
    page.get_by_test_id("referral-settings-save").click()
    page.get_by_test_id("error-referrer_coupon_value").wait_for()
    page.get_by_test_id("referral-settings-referrer_coupon_value").fill("12.50")
    page.get_by_test_id("referral-settings-referrer_coupon_days").fill("45")
    page.get_by_test_id("referral-settings-save").click()
    page.get_by_test_id("toast-ok").first.wait_for()
    screenshot("referrals-referrer-coupon")

    with c.uow() as uow:
        config = referrals.referral_config(uow.session, shopify_shop.id)
    assert (config.referrer_reward, str(config.referrer_coupon_value), config.referrer_coupon_days) == (
        "coupon", "12.50", 45)
    page.reload()
    page.get_by_test_id("referral-settings-referrer_coupon_value-field").wait_for()
    assert page.get_by_test_id("referral-settings-referrer_points-field").is_hidden()
