"""Ways to earn beyond orders: sign-up, newsletter opt-in and birthdays, each awarded exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.models import LedgerEntry, Shop
from app.services import earning_events as ee
from tests.support import snapshots as s
from tests.support.deliveries import deliver, ledger_ok, member_by_email

POINTS = ee.EarningConfig(signup_points=100, newsletter_points=50, birthday_points=200)


@pytest.fixture
def configured(container: Container, shopify_shop: Shop, clock: FixedClock) -> Shop:
    ee.save_settings(container.uow(), shopify_shop.id, POINTS, clock.now())
    return shopify_shop


def _entries(container: Container, reason: str) -> list[LedgerEntry]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(LedgerEntry).where(LedgerEntry.reason == reason)).all())


def test_creating_an_account_earns_the_signup_points_once(container: Container, configured: Shop) -> None:
    for delivery_id in ("c1", "c2", "c2"):
        deliver(container, configured, s.customer(), delivery_id=delivery_id)
    deliver(container, configured, s.customer(first_name="Jürgen Paul"))

    member = member_by_email(container, configured, "juergen.weiss@example.de")
    assert member.balance == 100
    assert [e.idempotency_key for e in _entries(container, "signup")] == [f"signup:{member.id}"]
    ledger_ok(container)


def test_signup_earns_nothing_while_switched_off(container: Container, shopify_shop: Shop) -> None:
    deliver(container, shopify_shop, s.customer())

    assert member_by_email(container, shopify_shop, "juergen.weiss@example.de").balance == 0


def test_joining_subscribed_to_the_newsletter_earns_the_newsletter_points(container: Container, configured: Shop):
    deliver(container, configured, s.customer(accepts_marketing=True))

    assert member_by_email(container, configured, "juergen.weiss@example.de").balance == 150


def test_opting_in_through_the_widget_earns_the_newsletter_points_once(
    container: Container, configured: Shop, clock: FixedClock
) -> None:
    deliver(container, configured, s.customer())
    member = member_by_email(container, configured, "juergen.weiss@example.de")

    first = ee.subscribe_newsletter(container.uow(), configured.id, member.id, clock.now())
    again = ee.subscribe_newsletter(container.uow(), configured.id, member.id, clock.now())
    deliver(container, configured, s.order(at=clock.now(), buyer=s.customer(accepts_marketing=True)))

    assert (first, again) == (True, False)
    assert len(_entries(container, "newsletter")) == 1
    assert member_by_email(container, configured, "juergen.weiss@example.de").accepts_marketing


def test_a_birthday_is_awarded_by_the_daily_job_once_in_the_shoppers_year(
    container: Container, configured: Shop, clock: FixedClock
) -> None:
    deliver(container, configured, s.customer())
    member = member_by_email(container, configured, "juergen.weiss@example.de")
    ee.set_birthday(container.uow(), configured.id, member.id, date(1990, 3, 20), clock.now())

    clock.set(datetime(2026, 3, 19, 23, 0, tzinfo=UTC))
    before = ee.award_birthdays(container.uow, clock.now())
    clock.set(datetime(2026, 3, 20, 6, 0, tzinfo=UTC))
    runs = [ee.award_birthdays(container.uow, clock.now()) for _ in range(3)]
    clock.set(datetime(2027, 3, 22, 6, 0, tzinfo=UTC))
    next_year = ee.award_birthdays(container.uow, clock.now())

    assert (before, runs, next_year) == (0, [1, 0, 0], 1)
    keys = sorted(e.idempotency_key or "" for e in _entries(container, "birthday"))
    assert keys == [f"birthday:{member.id}:2026", f"birthday:{member.id}:2027"]
    ledger_ok(container)


def test_a_birthday_entered_on_the_day_itself_earns_nothing_that_year(
    container: Container, configured: Shop, clock: FixedClock
) -> None:
    deliver(container, configured, s.customer())
    member = member_by_email(container, configured, "juergen.weiss@example.de")

    ee.set_birthday(container.uow(), configured.id, member.id, date(1990, 3, 2), clock.now())

    assert ee.award_birthdays(container.uow, clock.now()) == 0


def test_a_leap_day_birthday_is_celebrated_on_the_28th_of_february(
    container: Container, configured: Shop, clock: FixedClock
) -> None:
    deliver(container, configured, s.customer())
    member = member_by_email(container, configured, "juergen.weiss@example.de")
    ee.set_birthday(container.uow(), configured.id, member.id, date(1992, 2, 29), clock.now())

    clock.set(datetime(2027, 2, 28, 8, 0, tzinfo=UTC))

    assert ee.award_birthdays(container.uow, clock.now()) == 1


def test_the_birthday_cannot_be_changed_again_within_a_year(
    container: Container, configured: Shop, clock: FixedClock
) -> None:
    deliver(container, configured, s.customer())
    member = member_by_email(container, configured, "juergen.weiss@example.de")
    ee.set_birthday(container.uow(), configured.id, member.id, date(1990, 5, 1), clock.now())

    with pytest.raises(ee.BirthdayLocked):
        ee.set_birthday(container.uow(), configured.id, member.id, date(1990, 6, 1), clock.advance(days=200))
    same = ee.set_birthday(container.uow(), configured.id, member.id, date(1990, 5, 1), clock.now())
    later = ee.set_birthday(container.uow(), configured.id, member.id, date(1990, 6, 1), clock.advance(days=166))

    assert (same, later) == (date(1990, 5, 1), date(1990, 6, 1))


def test_a_birthday_in_the_future_is_refused(container: Container, configured: Shop, clock: FixedClock) -> None:
    deliver(container, configured, s.customer())
    member = member_by_email(container, configured, "juergen.weiss@example.de")

    from app.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        ee.set_birthday(container.uow(), configured.id, member.id, date(2030, 1, 1), clock.now())
