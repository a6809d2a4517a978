"""What may no longer be sent is cancelled when its batch is claimed, and the rest of the batch still goes out."""

from __future__ import annotations

from app.services.dispatch import dispatch_due
from tests.conftest import START
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import configure, dispatch, dispatch_settings, mailer_fixture, messages, set_member  # noqa: F401
from tests.support.snapshots import customer, order


def _thank_yous(container, shop, count):  # type: ignore[no-untyped-def]
    for n in range(count):
        buyer = customer(ref=f"c{n}", email=f"kunde{n}@example.de", first_name=f"Kunde{n}")
        deliver(container, shop, order(f"{7000 + n}", at=START, buyer=buyer))


def test_a_redacted_member_s_message_is_cancelled_with_its_reason_and_the_others_are_sent(
    container, shopify_shop, mailer
):
    _thank_yous(container, shopify_shop, 3)
    gone = member_by_email(container, shopify_shop, "kunde1@example.de")
    set_member(container, gone.id, redacted_at=container.clock.now())

    result = dispatch(container)

    assert (result.sent, result.cancelled, result.retried, result.failed) == (2, 1, 0, 0)
    assert sorted(str(m["To"]) for m in mailer.sent) == ["kunde0@example.de", "kunde2@example.de"]
    rows = {m.member_id: m for m in messages(container, shopify_shop)}
    cancelled = rows.pop(gone.id)
    assert (cancelled.status, cancelled.last_error, cancelled.claimed_by, cancelled.lease_until) == (
        "cancelled",
        "member_gone",
        None,
        None,
    )
    assert {(m.status, m.claimed_by) for m in rows.values()} == {("sent", None)}


def test_a_kind_disabled_after_scheduling_cancels_its_messages_and_sends_nothing(container, shopify_shop, mailer):
    _thank_yous(container, shopify_shop, 2)
    configure(container, shopify_shop, kinds={"thank_you": {"enabled": False}})

    result = dispatch(container)

    assert (result.sent, result.cancelled) == (0, 2)
    assert mailer.sent == []
    assert {(m.status, m.last_error) for m in messages(container, shopify_shop)} == {("cancelled", "kind_disabled")}


def test_a_stop_request_after_the_claim_releases_what_could_be_sent_and_keeps_the_cancellations(
    container, shopify_shop, mailer
):
    _thank_yous(container, shopify_shop, 2)
    gone = member_by_email(container, shopify_shop, "kunde0@example.de")
    set_member(container, gone.id, redacted_at=container.clock.now())
    calls = iter([False, True])

    result = dispatch_due(
        container.uow,
        mailer,
        dispatch_settings(container),
        container.clock.now(),
        should_stop=lambda: next(calls, True),
    )

    assert (result.released, result.cancelled, result.sent) == (1, 1, 0)
    assert sorted((m.status, m.claimed_by) for m in messages(container, shopify_shop)) == [
        ("cancelled", None),
        ("pending", None),
    ]
