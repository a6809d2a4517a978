"""Admin API of the emails area: settings, live preview, the outbox (cancel), per-shop isolation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import START
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import configure, mailer_fixture, messages  # noqa: F401
from tests.support.snapshots import customer, order

BUYER = customer()


def test_settings_show_defaults_and_save_a_partial_change(client, shopify_shop):
    headers = admin_headers(shopify_shop)

    saved = client.put("/admin/api/emails/settings", headers=headers,
                       json={"review_delay_days": 10, "kinds": {"review_request": {"subject": {"en": "Rate us!"}}}})
    page = client.get("/admin/api/emails/settings", headers=headers).get_json()

    assert saved.status_code == 200
    assert page["settings"]["review_delay_days"] == 10
    assert page["settings"]["review_reminder_days"] == 5
    assert page["settings"]["kinds"]["review_request"]["subject"] == {"de": "", "en": "Rate us!"}
    assert page["defaults"]["thank_you"]["subject"]["de"].startswith("Vielen Dank")
    assert {k["kind"]: k["category"] for k in page["kinds"]}["thank_you"] == "transactional"


def test_invalid_settings_answer_422_per_field(client, shopify_shop):
    response = client.put("/admin/api/emails/settings", headers=admin_headers(shopify_shop),
                          json={"review_delay_days": -1, "review_consent": "whatever"})

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"review_delay_days", "review_consent"}


def test_preview_renders_unsaved_texts_escaped(client, shopify_shop):
    response = client.post("/admin/api/emails/preview", headers=admin_headers(shopify_shop), json={
        "kind": "thank_you", "locale": "de",
        "settings": {"kinds": {"thank_you": {"subject": {"de": "Danke, {first_name}"},
                                             "intro": {"de": "<script>x</script>"}}}}})

    body = response.get_json()
    assert body["subject"] == "Danke, Jürgen"
    assert "&lt;script&gt;" in body["html"]
    assert "<script>" not in body["html"]


def test_the_outbox_lists_by_status_and_a_pending_message_can_be_cancelled(client, container, shopify_shop, mailer):
    configure(container, shopify_shop, thank_you_delay_minutes=60)
    deliver(container, shopify_shop, order(at=START, buyer=BUYER))
    headers = admin_headers(shopify_shop)

    pending = client.get("/admin/api/outbox?status=pending", headers=headers).get_json()
    cancelled = client.post(f"/admin/api/outbox/{pending['items'][0]['id']}/cancel", headers=headers)
    twice = client.post(f"/admin/api/outbox/{pending['items'][0]['id']}/cancel", headers=headers)

    assert pending["total"] == 1
    assert pending["items"][0]["kind"] == "thank_you"
    assert cancelled.get_json()["status"] == "cancelled"
    assert twice.status_code == 409
    assert [m.status for m in messages(container, shopify_shop)] == ["cancelled"]


def test_another_shops_messages_and_members_are_not_found(client, container, shopify_shop, mailer):
    from app.services.shops import NewShop, add_shop

    other = add_shop(container.uow(), container.box, NewShop("shopify", "andere.myshopify.com", name="Andere"),
                     container.clock.now())
    deliver(container, shopify_shop, order(at=START, buyer=BUYER))
    message_id = messages(container, shopify_shop)[0].id
    member = member_by_email(container, shopify_shop, BUYER.email)

    cancel = client.post(f"/admin/api/outbox/{message_id}/cancel", headers=admin_headers(other))
    listed = client.get(f"/admin/api/members/{member.id}/messages", headers=admin_headers(other))
    own = client.get(f"/admin/api/members/{member.id}/messages", headers=admin_headers(shopify_shop)).get_json()

    assert (cancel.status_code, listed.status_code) == (404, 404)
    assert own["total"] == 1


@pytest.mark.parametrize(("locale", "sample"), [("de", "doppelte Punkte"), ("en", "double points")])
def test_the_campaign_preview_shows_a_sample_text_in_its_language(client, shopify_shop, locale, sample):
    response = client.post("/admin/api/emails/preview", headers=admin_headers(shopify_shop),
                           json={"kind": "campaign", "locale": locale})

    assert sample in response.get_json()["html"]


def test_the_thank_you_preview_shows_the_coupon_the_next_purchase_rule_gives(client, shopify_shop):
    headers = admin_headers(shopify_shop)
    ask = {"kind": "thank_you", "locale": "de"}
    without_rule = client.post("/admin/api/emails/preview", headers=headers, json=ask).get_json()["html"]
    client.put("/admin/api/rewards/settings", headers=headers, json={
        "next_purchase_enabled": True, "next_purchase_mode": "first_order", "next_purchase_threshold": "0",
        "next_purchase_kind": "percentage", "next_purchase_value": "10", "next_purchase_minimum_order": None,
        "next_purchase_validity_days": 30, "refund_points_on_expiry": True})
    with_rule = client.post("/admin/api/emails/preview", headers=headers, json=ask).get_json()["html"]

    assert "DANKE-7Q2X" not in without_rule
    assert "DANKE-7Q2X" in with_rule
    assert "10\u00a0%" in with_rule


@pytest.mark.parametrize(("kind", "locale", "text"), [
    ("points_expiring", "de", "verfallen am 6. Dezember 2026"),
    ("reward_issued", "de", "gültig bis 6. Dezember 2026"),
    ("points_expiring", "en", "6 December 2026"),
])
def test_the_preview_dates_lie_thirty_days_after_today_on_the_apps_clock(client, clock, shopify_shop, kind, locale,
                                                                          text):
    clock.advance(days=(datetime(2026, 11, 6, 9, 0, tzinfo=UTC) - clock.now()).days)

    body = client.post("/admin/api/emails/preview", headers=admin_headers(shopify_shop),
                       json={"kind": kind, "locale": locale, "settings": {}}).get_json()

    assert text in body["text"]
    assert "June 2026" not in body["text"]
    assert "Juni 2026" not in body["text"]
