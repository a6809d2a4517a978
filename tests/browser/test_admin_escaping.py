"""In Chromium: hostile names, emails, order and product titles and review texts, fed in through the signed
webhooks and the review page, show as plain text in every admin view; no script runs, no SQL text does anything.

The page here ignores the admin page's Content-Security-Policy, which would refuse an injected handler anyway:
what is checked is that the page's own code never turns a text into markup, whatever the policy (its policy has a
test of its own in test_admin_policy.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import func, select

from app.container import Container
from app.mail.base import RecordingMailer
from app.models import Member, Order, Review, Shop
from app.services.campaigns import run_campaigns
from app.services.referrals import code_for_member
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.admin import sign_in_page as sign_in
from tests.support.deliveries import ledger_ok, member_by_email
from tests.support.outbox import dispatch, mailer_fixture, review_path, schedule_reviews  # noqa: F401 - fixture
from tests.support.webhooks import load_payload, shopify_headers

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    """A German page that ignores Content-Security-Policy headers (module docstring)."""
    context = browser.new_context(locale="de-DE", timezone_id="UTC", viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)
    yield context.new_page()
    context.close()


IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
SVG = '"><svg onload=window.__xss=1>'
ALERT = "<img src=y onerror=alert(1)>"
SQL = "'; DROP TABLE members; --"
TEMPLATE = "${7*7}{{7*7}}"
RTL = "שלום עליכם مرحبا بكم"

REFERRER_NAME = f"{IMG} {SQL}"
REFERRER_EMAIL = f"{SVG}@example.de"
BUYER_NAME = f"{SCRIPT} {TEMPLATE} {RTL}"
BUYER_EMAIL = "eve.o'hara+kaffee@example.de"
ORDER_NAME = f"#1042 {IMG}"
TITLES = {"8123400000001": f"{SVG} Espresso", "8123400000002": f"{RTL} {TEMPLATE}"}
REVIEW_TEXTS = {"8123400000001": f"{IMG} {SQL}", "8123400000002": f"{SCRIPT} {ALERT} {TEMPLATE} {RTL}"}
ADJUST_REASON = f"{SVG} {TEMPLATE}"
CAMPAIGN = f"{SVG} {RTL}"
HOSTILE_TOPIC = "orders/<img src=x onerror=window.__xss=1>"


def post_webhook(client: FlaskClient, shop: Shop, topic: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload).encode()
    response = client.post(
        "/webhooks/shopify", data=body, headers=shopify_headers(body, topic, shop.domain, TEST_SHOPIFY_SECRET)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.json["outcome"])


def hostile_address(address: dict[str, Any]) -> dict[str, Any]:
    hostile = {"first_name": SCRIPT, "last_name": SQL, "address1": f"{IMG} 12", "address2": TEMPLATE, "city": RTL}
    return {**address, **hostile, "company": SVG, "name": f"{SCRIPT} {SQL}"}


def referrer_payload() -> dict[str, Any]:
    payload = load_payload("shopify", "customers_create")
    payload.update(first_name=IMG, last_name=SQL, email=REFERRER_EMAIL, note=SCRIPT)
    payload["email_marketing_consent"]["state"] = "subscribed"
    payload["default_address"] = hostile_address(payload["default_address"])
    payload["addresses"] = [payload["default_address"]]
    return payload


def buyer_order_payload(at: str, referral_code: str) -> dict[str, Any]:
    """The buyer's paid order, placed with the referrer's code."""
    payload = copy.deepcopy(load_payload("shopify", "orders_paid"))
    payload.update(name=ORDER_NAME, email=BUYER_EMAIL, contact_email=BUYER_EMAIL, note=IMG, tags=SQL)
    payload.update(created_at=at, processed_at=at, updated_at=at)
    payload["customer"].update(first_name=SCRIPT, last_name=f"{TEMPLATE} {RTL}", email=BUYER_EMAIL)
    payload["billing_address"] = hostile_address(payload["billing_address"])
    payload["shipping_address"] = hostile_address(payload["shipping_address"])
    payload["discount_codes"][0]["code"] = payload["discount_applications"][0]["code"] = referral_code
    for line in payload["line_items"]:
        line["title"] = line["name"] = TITLES[str(line["product_id"])]
    return payload


def feed_hostile_data(client: FlaskClient, container: Container, shop: Shop, mailer: RecordingMailer) -> None:
    """A referrer, a buyer who used the referrer's code, the buyer's review, a delivery with a hostile topic."""
    assert post_webhook(client, shop, "customers/create", referrer_payload()) == "processed"
    referrer = member_by_email(container, shop, REFERRER_EMAIL)
    with container.uow() as uow:
        code = code_for_member(uow.session, shop.id, referrer.id) or ""
    now = container.clock.now().isoformat()
    assert post_webhook(client, shop, "orders/paid", buyer_order_payload(now, code)) == "processed"
    assert post_webhook(client, shop, HOSTILE_TOPIC, {"id": 1, "title": SCRIPT}) == "ignored"
    container.clock.advance(days=7, minutes=1)  # type: ignore[attr-defined]
    schedule_reviews(container)
    dispatch(container, mailer)
    form: dict[str, Any] = {"product": list(REVIEW_TEXTS), "recommend": "9"}
    for key, text in REVIEW_TEXTS.items():
        form[f"rating-{key}"], form[f"text-{key}"] = ("5" if key.endswith("1") else "1"), text
    response = client.post(review_path(mailer), data=form)
    assert response.status_code == 200, response.get_data(as_text=True)


def row_counts(container: Container) -> list[int]:
    """Members, orders and reviews: a query on each table still works and finds what was fed in."""
    with container.uow() as uow:
        return [uow.session.scalar(select(func.count()).select_from(m)) or 0 for m in (Member, Order, Review)]




def check_view(page: Page, dialogs: list[str], name: str, testid: str, *texts: str) -> None:
    """The view `testid` shows every text literally, none became markup, nothing ran, no dialog opened."""
    view = page.get_by_test_id(testid).first
    for text in texts:
        expect(view, f"{name}: {text!r} is not shown as text").to_contain_text(text, use_inner_text=True)
    markup = view.evaluate("el => el.querySelectorAll('img, script, iframe, [onerror], [onload]').length")
    assert markup == 0, f"{name}: customer text became markup"
    assert page.evaluate("typeof window.__xss") == "undefined", f"{name}: an injected script ran"
    assert dialogs == [], f"{name}: a dialog opened: {dialogs}"


def check_member_views(page: Page, view: Callable[..., None], live_url: str, referrer: Member, buyer: Member) -> None:
    page.get_by_test_id("tab-members").click()
    view("members list", "member-table", REFERRER_NAME, REFERRER_EMAIL, BUYER_NAME, BUYER_EMAIL)
    page.get_by_test_id("member-search").fill(SQL)
    page.get_by_test_id("member-search-submit").click()
    page.locator(f"[data-testid=member-row-{buyer.id}]").wait_for(state="detached")
    assert page.locator("[data-testid^=member-row-]").count() == 1
    view("member search", "member-table", REFERRER_NAME, REFERRER_EMAIL)

    page.get_by_test_id(f"member-row-{referrer.id}").click()
    view("referrer page", "member-page", REFERRER_NAME, REFERRER_EMAIL)
    view("referrer's referrals", "member-section-referrals", BUYER_EMAIL, ORDER_NAME)

    page.goto(f"{live_url}/admin#members/{buyer.id}")
    page.get_by_test_id("adjust-points").fill("5")
    page.get_by_test_id("adjust-reason").fill(ADJUST_REASON)
    page.get_by_test_id("adjust-submit").click()
    view("buyer page", "member-page", BUYER_NAME, BUYER_EMAIL)
    view("buyer's history", "ledger-table", ADJUST_REASON, ORDER_NAME)
    view("buyer's orders", "orders-table", ORDER_NAME)
    view("buyer's messages", "member-section-messages", BUYER_EMAIL)
    view("buyer's reviews", "member-section-reviews", *TITLES.values(), *REVIEW_TEXTS.values())


def check_campaign_views(page: Page, view: Callable[..., None], container: Container, mailer: RecordingMailer) -> None:
    """A message campaign to every member, so the outbox holds one to the hostile address too."""
    page.get_by_test_id("tab-segments").click()
    page.get_by_test_id("segments-kind").select_option("all")
    page.get_by_test_id("segment-show").click()
    view("segment members", "segment-members", REFERRER_NAME, REFERRER_EMAIL, BUYER_NAME, BUYER_EMAIL)

    page.get_by_test_id("tab-campaigns").click()
    page.get_by_test_id("campaign-kind").select_option("all")
    page.get_by_test_id("campaign-action").select_option("message")
    page.get_by_test_id("campaign-name").fill(CAMPAIGN)
    page.get_by_test_id("campaign-subject-de").fill(f"{SCRIPT} Winter")
    # Template syntax is refused in a campaign's texts (its braces are no placeholder): markup and SQL go through.
    page.get_by_test_id("campaign-body-de").fill(f"{IMG} {SQL}")
    page.get_by_test_id("campaign-run").click()
    page.get_by_test_id("campaign-confirm-run").click()  # the start asks first how many it reaches
    page.locator("[data-testid=campaign-list] tr[data-status=queued]").wait_for()
    run_campaigns(container.uow, container.clock.now())
    dispatch(container, mailer)
    page.get_by_test_id("tab-campaigns").click()  # shows the finished run at once (the tab polls every 2 s)
    page.locator("[data-testid=campaign-list] tr[data-status=done]").wait_for()
    view("campaign list", "campaign-list", CAMPAIGN)


def test_hostile_customer_texts_show_as_text_in_every_admin_view_and_run_nothing(  # type: ignore[no-untyped-def]
    app, client, container, shopify_shop, mailer, live_url, page, screenshot
) -> None:
    feed_hostile_data(client, container, shopify_shop, mailer)
    assert row_counts(container) == [2, 1, 2]
    referrer = member_by_email(container, shopify_shop, REFERRER_EMAIL)
    buyer = member_by_email(container, shopify_shop, BUYER_EMAIL)
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    view = partial(check_view, page, dialogs)
    sign_in(app, page, live_url, shopify_shop)

    check_member_views(page, view, live_url, referrer, buyer)
    screenshot("member")
    page.get_by_test_id("tab-referrals").click()
    view("referrals tab", "referral-table", IMG, BUYER_EMAIL, ORDER_NAME)
    check_campaign_views(page, view, container, mailer)
    page.get_by_test_id("tab-emails").click()
    view("outbox", "outbox-table", REFERRER_EMAIL, BUYER_EMAIL)
    view("reviews tab", "reviews-table", *TITLES.values(), *REVIEW_TEXTS.values(), BUYER_NAME)
    screenshot("emails")
    page.get_by_test_id("tab-webhooks").click()
    expect(page.get_by_test_id("webhook-list")).not_to_be_empty()  # the tab shows a late answer over a newer one
    page.get_by_test_id("webhook-status").select_option("all")
    view("webhook inbox", "webhook-list", HOSTILE_TOPIC, "orders/paid", "customers/create")
    page.get_by_test_id("tab-dashboard").click()
    page.get_by_test_id("figure-members").wait_for()
    view("dashboard", "dashboard-body")

    assert row_counts(container) == [2, 1, 2]
    ledger_ok(container)
    # The check can fail: the same text put in as HTML does run here.
    page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", IMG)
    page.wait_for_function("window.__xss === 1")
