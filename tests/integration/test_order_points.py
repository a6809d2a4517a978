"""Order points by reconciliation: paid, refunded, cancelled, re-delivered and out of order (DESIGN §4.2)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from app.models import ProgramSettings
from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.snapshots import customer, order, refund

JUERGEN = customer()


def balance(container, shop) -> int:  # type: ignore[no-untyped-def]
    return member_by_email(container, shop, JUERGEN.email).balance


def test_paid_order_earns_one_point_per_euro_of_merchandise(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="49.90", shipping="4.90", buyer=JUERGEN))

    assert balance(container, shopify_shop) == 49
    ledger_ok(container)


def test_unpaid_order_earns_nothing_until_it_is_paid(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, paid=False, buyer=JUERGEN))
    assert balance(container, shopify_shop) == 0

    deliver(container, shopify_shop, order(at=START, version=timedelta(minutes=1), buyer=JUERGEN))
    assert balance(container, shopify_shop) == 100


def test_the_same_order_through_several_topics_credits_once(container, shopify_shop):
    for minutes in (0, 1, 2, 2):
        deliver(container, shopify_shop, order(at=START, version=timedelta(minutes=minutes), buyer=JUERGEN))

    assert balance(container, shopify_shop) == 100
    ledger_ok(container)


def test_redelivery_of_one_delivery_id_is_a_duplicate(container, shopify_shop):
    first = deliver(container, shopify_shop, order(at=START, buyer=JUERGEN), delivery_id="d-1")
    again = deliver(container, shopify_shop, order(at=START, buyer=JUERGEN), delivery_id="d-1")

    assert (first.outcome, again.outcome) == ("processed", "duplicate")
    assert balance(container, shopify_shop) == 100


def test_partial_refund_reverses_points_pro_rata_to_refunded_merchandise(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="80.00", buyer=JUERGEN))
    deliver(container, shopify_shop, refund(lines="20.00", at=START + timedelta(days=2)))

    assert balance(container, shopify_shop) == 60
    ledger_ok(container)


def test_partial_refund_leaves_the_points_the_kept_goods_earn(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="95.50", buyer=JUERGEN))
    deliver(container, shopify_shop, refund(lines="36.21", at=START + timedelta(days=2)))

    # 95.50 € earned 95; 59.29 € kept earns 59 (pro rata of the 95 points it would be 58.98 → 58)
    assert balance(container, shopify_shop) == 59
    ledger_ok(container)


def test_shipping_only_refund_reverses_nothing(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="80.00", shipping="4.90", buyer=JUERGEN))
    deliver(container, shopify_shop, refund(shipping="4.90"))

    assert balance(container, shopify_shop) == 80


def test_refund_seen_twice_through_refunds_create_and_orders_updated_counts_once(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="80.00", buyer=JUERGEN))
    deliver(container, shopify_shop, refund(lines="40.00"))
    updated = order(
        at=START,
        merchandise="80.00",
        buyer=JUERGEN,
        version=timedelta(hours=1),
        refunds=(refund(lines="40.00"),),
    )
    deliver(container, shopify_shop, updated)

    assert balance(container, shopify_shop) == 40


def test_cancellation_reverses_everything_the_order_earned(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, buyer=JUERGEN))
    deliver(container, shopify_shop, order(at=START, cancelled=True, version=timedelta(hours=1), buyer=JUERGEN))

    assert balance(container, shopify_shop) == 0
    ledger_ok(container)


def test_an_order_paid_again_after_a_cancellation_earns_again(container, woo_shop):
    deliver(container, woo_shop, order(at=START, buyer=JUERGEN))
    deliver(container, woo_shop, order(at=START, cancelled=True, version=timedelta(hours=1), buyer=JUERGEN))
    deliver(container, woo_shop, order(at=START, version=timedelta(hours=2), buyer=JUERGEN))

    assert balance(container, woo_shop) == 100


def test_an_older_snapshot_after_a_newer_one_is_ignored(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, cancelled=True, version=timedelta(hours=1), buyer=JUERGEN))
    deliver(container, shopify_shop, order(at=START, buyer=JUERGEN))

    assert balance(container, shopify_shop) == 0


def test_a_refund_that_arrives_before_its_order_is_applied_when_the_order_comes(container, shopify_shop):
    deliver(container, shopify_shop, refund(lines="50.00"))
    deliver(container, shopify_shop, order(at=START, merchandise="100.00", buyer=JUERGEN))

    assert balance(container, shopify_shop) == 50


def test_rules_at_first_payment_stay_with_the_order_when_the_shop_changes_them(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, merchandise="100.00", buyer=JUERGEN))
    with container.uow() as uow:
        uow.session.execute(update(ProgramSettings).values(points_per_unit=Decimal("5")))
        uow.commit()
    deliver(container, shopify_shop, refund(lines="50.00"))

    assert balance(container, shopify_shop) == 50


def test_guest_order_is_credited_once_the_shopper_becomes_a_member(container, shopify_shop):
    deliver(container, shopify_shop, order(at=START, guest_email="Juergen.Weiss@example.de"))
    deliver(container, shopify_shop, JUERGEN)

    assert balance(container, shopify_shop) == 100
    ledger_ok(container)


def test_refund_after_points_were_spent_takes_the_balance_below_zero(container, shopify_shop):
    from app.repositories import MemberRepository
    from app.services import ledger
    from app.services.ledger import Posting

    deliver(container, shopify_shop, order(at=START, merchandise="100.00", buyer=JUERGEN))
    member_id = member_by_email(container, shopify_shop, JUERGEN.email).id
    with container.uow() as uow:
        member = MemberRepository(uow.session, shopify_shop.id).get_for_update(member_id)
        ledger.spend(uow.session, member, 80, Posting("redeem", "reward"), now=START)
        uow.commit()
    deliver(container, shopify_shop, order(at=START, cancelled=True, version=timedelta(hours=1), buyer=JUERGEN))

    assert balance(container, shopify_shop) == -80
    ledger_ok(container)


def test_points_stay_pending_for_the_shops_pending_period(container, shopify_shop):
    with container.uow() as uow:
        uow.session.execute(update(ProgramSettings).values(pending_days=14))
        uow.commit()
    deliver(container, shopify_shop, order(at=START, buyer=JUERGEN))

    member = member_by_email(container, shopify_shop, JUERGEN.email)
    assert (member.balance, member.pending) == (100, 100)


def test_refund_within_the_pending_period_removes_pending_points_first(container, shopify_shop):
    with container.uow() as uow:
        uow.session.execute(update(ProgramSettings).values(pending_days=14))
        uow.commit()
    deliver(container, shopify_shop, order(at=START, buyer=JUERGEN))
    deliver(container, shopify_shop, refund(lines="30.00"))

    member = member_by_email(container, shopify_shop, JUERGEN.email)
    assert (member.balance, member.pending) == (70, 70)
    ledger_ok(container)


def test_one_transaction_that_meets_the_same_customer_twice_keeps_every_change(container, shopify_shop):
    from app.services import orders

    with container.uow() as uow:
        shop = uow.session.merge(shopify_shop)
        orders.apply_order_snapshot(
            uow.session, shop, order("5101", at=START, merchandise="45.00", buyer=JUERGEN), START
        )
        orders.apply_order_snapshot(
            uow.session, shop, order("5102", at=START, merchandise="30.00", buyer=JUERGEN), START
        )
        uow.commit()

    member = member_by_email(container, shopify_shop, JUERGEN.email)
    assert (member.balance, member.first_name) == (75, "Jürgen")
    ledger_ok(container)
