"""The worker's point and email jobs run for one shop when told to (the demo replays its shop's past that way),
leaving every other shop's points and emails as they are."""

from __future__ import annotations

from app.services.points_jobs import expire_points, mature_pending_points, send_expiry_reminders
from app.services.review_requests import schedule_review_messages
from tests.support.deliveries import deliver
from tests.support.outbox import configure, dispatch, mailer_fixture, messages  # noqa: F401 - the mailer fixture
from tests.support.rewards import entries, member, member_with_points, set_program_settings
from tests.support.snapshots import customer, order


def test_expiry_and_its_reminders_for_one_shop_leave_the_other_shops_lots(container, clock, shopify_shop, woo_shop):  # type: ignore[no-untyped-def]
    for shop in (shopify_shop, woo_shop):
        set_program_settings(container, shop, expiry_policy="per_lot", expiry_months=12, expiry_reminder_days=14)
        member_with_points(container, shop, 100)

    clock.advance(days=360)
    send_expiry_reminders(container.uow, clock.now(), shop_id=shopify_shop.id)
    clock.advance(days=10)
    expire_points(container.uow, clock.now(), shop_id=shopify_shop.id)

    assert [e.delta for e in entries(container, shopify_shop, "expire")] == [-100]
    assert [m.kind for m in messages(container, shopify_shop, "points_expiring")] == ["points_expiring"]
    assert entries(container, woo_shop, "expire") == []
    assert messages(container, woo_shop, "points_expiring") == []


def test_maturing_for_one_shop_leaves_the_other_shops_points_pending(container, clock, shopify_shop, woo_shop):  # type: ignore[no-untyped-def]
    members = {}
    for shop in (shopify_shop, woo_shop):
        set_program_settings(container, shop, pending_days=14)
        members[shop.id] = member_with_points(container, shop, 100)

    clock.advance(days=15)
    mature_pending_points(container.uow, clock.now(), shop_id=woo_shop.id)

    assert member(container, woo_shop, members[woo_shop.id].id).pending == 0
    assert member(container, shopify_shop, members[shopify_shop.id].id).pending == 100


def test_dispatch_for_one_shop_sends_only_that_shops_due_emails(container, clock, mailer, shopify_shop, woo_shop):  # type: ignore[no-untyped-def]
    for shop in (shopify_shop, woo_shop):
        member_with_points(container, shop, 100)  # a paid order: its thank-you is due at once
    clock.advance(minutes=1)

    result = dispatch(container, shop_id=woo_shop.id)

    assert result.sent == 1
    assert [m.status for m in messages(container, woo_shop, "thank_you")] == ["sent"]
    assert [(m.status, m.due_at <= clock.now()) for m in messages(container, shopify_shop, "thank_you")] == [
        ("pending", True)
    ]


def test_review_requests_for_one_shop_leave_the_other_shops_orders_unasked(container, clock, shopify_shop, woo_shop):  # type: ignore[no-untyped-def]
    fan = customer(accepts_marketing=True)
    for shop in (shopify_shop, woo_shop):
        configure(container, shop, review_delay_days=3)
        deliver(container, shop, order(at=clock.now(), buyer=fan))
    clock.advance(days=4)

    schedule_review_messages(container.uow, clock.now(), shop_id=woo_shop.id)

    assert len(messages(container, woo_shop, "review_request")) == 1
    assert messages(container, shopify_shop, "review_request") == []
