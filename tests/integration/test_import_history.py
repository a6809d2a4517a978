"""`loyalty import` as history: orders meet their customers on a later run, credited once; no expired points, no
email bursts (tier upgrades, expiry reminders); an interrupted import continues where it stopped."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.analytics.importer import import_history, read_files
from app.models import Member, MemberTier, Order, OutboxMessage, TierHistory
from app.services.points_jobs import expire_points, send_expiry_reminders
from app.services.tier_changes import evaluate_tiers
from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.rewards import bronze_silber_gold, entries, save_program, set_program_settings
from tests.support.snapshots import customer, order

JUERGEN, AENNE = "juergen.weiss@example.de", "aenne.mueller@example.de"
CUSTOMERS = ("Customer ID,First Name,Last Name,Email,Accepts Email Marketing\n"
             f"'7001,Jürgen,Weiß,{JUERGEN},no\n'7002,Änne,Müller,{AENNE},no\n")
ORDER_HEADER = "Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Created at,Id\n"
RECENTLY = START - timedelta(days=150)


def orders_csv(*rows: tuple[str, datetime, str]) -> str:
    """Shopify's order export, one paid order per (email, paid at, amount), numbered from #1001."""
    lines = []
    for n, (email, at, amount) in enumerate(rows, start=1001):
        stamp = at.strftime("%Y-%m-%d %H:%M:%S +0000")
        lines.append(f"#{n},{email},paid,{stamp},EUR,{amount},{amount},{stamp},{n}\n")
    return ORDER_HEADER + "".join(lines)


THREE_ORDERS = orders_csv((JUERGEN, RECENTLY, "100.00"), (JUERGEN, RECENTLY + timedelta(days=9), "50.00"),
                          (AENNE, RECENTLY, "80.00"))


def files(tmp_path: Path, orders: str = THREE_ORDERS) -> tuple[str, str]:
    (tmp_path / "customers_export.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "orders_export.csv").write_text(orders, encoding="utf-8")
    return str(tmp_path / "customers_export.csv"), str(tmp_path / "orders_export.csv")


def balances(container, shop) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return {m.email: m.balance for m in uow.session.scalars(select(Member).where(Member.shop_id == shop.id))}


def emails(container, shop) -> list[str]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.shop_id == shop.id)))


def test_orders_imported_before_their_customers_are_linked_and_credited_once_when_both_come(  # type: ignore[no-untyped-def]
    run, container, shopify_shop, tmp_path
):
    customers, orders = files(tmp_path)
    shop = shopify_shop.domain

    first = run("import", shop, "--platform", "shopify", "--orders", orders, "--award-points")
    second = run("import", shop, "--platform", "shopify", "--customers", customers, "--orders", orders,
                 "--award-points")
    third = run("import", shop, "--platform", "shopify", "--customers", customers, "--orders", orders,
                "--award-points")

    assert "members created 0, updated 0; orders created 3, already known 0; points awarded 0" in first.output
    assert ("warning: 3 paid orders have no member to credit: no customer id, and no member with the same email; "
            "import the customer export too (--customers)") in first.output
    assert ("orders created 0, already known 3 (3 of them linked to their member now); points awarded 230"
            in second.output)
    assert "orders created 0, already known 3; points awarded 0" in third.output
    assert "warning" not in second.output + third.output
    assert balances(container, shopify_shop) == {JUERGEN: 150, AENNE: 80}
    assert [e.delta for e in entries(container, shopify_shop)] == [100, 80, 50]
    with container.uow() as uow:
        assert None not in set(uow.session.scalars(select(Order.member_id).where(Order.shop_id == shopify_shop.id)))
    ledger_ok(container)


def test_orders_imported_without_points_are_credited_once_by_a_later_run_with_award_points(  # type: ignore[no-untyped-def]
    run, container, shopify_shop, tmp_path
):
    customers, orders = files(tmp_path)
    arguments = ("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders)

    run(*arguments)
    awarded = run(*arguments, "--award-points")
    again = run(*arguments, "--award-points")

    assert "already known 3; points awarded 230" in awarded.output
    assert "already known 3; points awarded 0" in again.output
    assert balances(container, shopify_shop) == {JUERGEN: 150, AENNE: 80}
    ledger_ok(container)


def test_orders_whose_lot_would_have_expired_by_now_earn_nothing_and_are_counted(  # type: ignore[no-untyped-def]
    run, container, clock, shopify_shop, tmp_path
):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12)
    customers, orders = files(tmp_path, orders_csv((JUERGEN, START - timedelta(days=400), "100.00"),
                                                   (JUERGEN, RECENTLY, "50.00")))

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders",
                 orders, "--award-points")

    assert "points awarded 50" in result.output
    assert "1 order too old: its points would already have expired under the shop's expiry rule" in result.output
    assert [e.delta for e in entries(container, shopify_shop)] == [50]
    assert expire_points(container.uow, clock.now()) == 0
    assert balances(container, shopify_shop)[JUERGEN] == 50


def test_under_inactivity_expiry_only_purchases_after_the_last_long_pause_earn(  # type: ignore[no-untyped-def]
    run, container, clock, shopify_shop, tmp_path
):
    set_program_settings(container, shopify_shop, expiry_policy="inactivity", expiry_months=12)
    pause_before = START - timedelta(days=700)  # then 14 months without a purchase: these points lapsed
    customers, orders = files(tmp_path, orders_csv(
        (JUERGEN, pause_before, "100.00"), (JUERGEN, START - timedelta(days=270), "50.00"),
        (JUERGEN, START - timedelta(days=30), "30.00"), (AENNE, START - timedelta(days=380), "80.00")))

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders",
                 orders, "--award-points")

    assert "2 orders too old" in result.output
    assert balances(container, shopify_shop) == {JUERGEN: 80, AENNE: 0}
    assert expire_points(container.uow, clock.now()) == 0


@pytest.mark.parametrize("award", [["--award-points"], []])
def test_an_import_that_lifts_customers_into_a_tier_announces_it_neither_now_nor_by_the_worker(  # type: ignore[no-untyped-def]
    run, container, clock, shopify_shop, tmp_path, award: list[str]
):
    save_program(container, shopify_shop, bronze_silber_gold())  # Silber from 100 €, Gold from 500 € spent
    customers, orders = files(tmp_path, orders_csv((JUERGEN, RECENTLY, "600.00"), (AENNE, RECENTLY, "150.00")))

    run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders, *award)
    clock.advance(days=1)
    evaluate_tiers(container.uow, clock.now())

    with container.uow() as uow:
        tiers = dict(uow.session.execute(select(Member.email, MemberTier.tier_key).join(
            MemberTier, MemberTier.member_id == Member.id).where(Member.shop_id == shopify_shop.id)).all())
        reasons = set(uow.session.scalars(select(TierHistory.reason).where(TierHistory.shop_id == shopify_shop.id)))
    assert tiers == {JUERGEN: "gold", AENNE: "silber"}
    assert reasons == {"import"}
    assert emails(container, shopify_shop) == []


@pytest.mark.parametrize("award", [["--award-points"], []])
def test_orders_paid_just_before_the_import_get_no_thank_you_but_a_live_order_does(  # type: ignore[no-untyped-def]
    run, container, clock, shopify_shop, tmp_path, award: list[str]
):
    yesterday = clock.now() - timedelta(days=1)
    customers, orders = files(tmp_path, orders_csv((JUERGEN, yesterday, "40.00"), (AENNE, yesterday, "25.00")))

    run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders, *award)
    deliver(container, shopify_shop, order("6001", at=clock.now(), buyer=customer("7002", AENNE, first_name="Änne")))

    assert emails(container, shopify_shop) == ["thank_you"]  # the live order's only


def test_a_live_order_after_the_import_still_announces_the_next_tier(run, container, shopify_shop, tmp_path):  # type: ignore[no-untyped-def]
    save_program(container, shopify_shop, bronze_silber_gold())
    customers, orders = files(tmp_path, orders_csv((AENNE, RECENTLY, "150.00")))
    run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders,
        "--award-points")

    deliver(container, shopify_shop, order("6001", at=START, merchandise="400.00",
                                           buyer=customer("7002", AENNE, first_name="Änne")))

    assert emails(container, shopify_shop).count("tier_upgrade") == 1


def test_imported_points_close_to_expiry_get_no_reminder_burst_but_later_lots_their_reminder(  # type: ignore[no-untyped-def]
    run, container, clock, shopify_shop, tmp_path
):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12, expiry_reminder_days=14)
    a_year_ago = START - timedelta(days=365)
    customers, orders = files(tmp_path, orders_csv((JUERGEN, a_year_ago + timedelta(days=5), "100.00"),
                                                   (AENNE, a_year_ago + timedelta(days=40), "80.00")))
    run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders,
        "--award-points")

    right_after = send_expiry_reminders(container.uow, clock.now())
    clock.advance(days=30)  # Änne's points expire in 10 days: her window opened after the import
    later = send_expiry_reminders(container.uow, clock.now())

    assert (right_after, later) == (0, 1)
    with container.uow() as uow:
        reminded = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.shop_id == shopify_shop.id)).one()
    assert (reminded.kind, reminded.context["points"]) == ("points_expiring", 80)
    assert member_by_email(container, shopify_shop, AENNE).id == reminded.member_id


def test_a_balance_imported_shortly_before_inactivity_ends_it_gets_no_reminder(  # type: ignore[no-untyped-def]
    run, container, clock, shopify_shop, tmp_path
):
    set_program_settings(container, shopify_shop, expiry_policy="inactivity", expiry_months=12,
                         expiry_reminder_days=14)
    customers, orders = files(tmp_path, orders_csv((JUERGEN, START - timedelta(days=360), "100.00")))
    run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders,
        "--award-points")

    assert balances(container, shopify_shop)[JUERGEN] == 100
    assert send_expiry_reminders(container.uow, clock.now()) == 0
    assert emails(container, shopify_shop) == []


class Interrupted(Exception):
    """The operator pressed Ctrl-C after the first batch."""


def test_an_interrupted_import_continues_where_it_stopped_when_run_again(container, shopify_shop, tmp_path):  # type: ignore[no-untyped-def]
    customers, orders = files(tmp_path)
    with open(customers, encoding="utf-8") as c, open(orders, encoding="utf-8") as o:
        plan = read_files("shopify", c, o, currency="EUR")
    committed: list[int] = []

    def stop_after_three_rows(rows: int) -> None:
        committed.append(rows)
        if sum(committed) >= 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        import_history(container.uow(), shopify_shop.id, plan, award_points=True, now=container.clock.now(),
                       progress=stop_after_three_rows, batch_size=2)
    again = import_history(container.uow(), shopify_shop.id, plan, award_points=True, now=container.clock.now(),
                           batch_size=2)

    assert committed == [2, 2]  # both customers, then the first two orders
    assert (again.members_updated, again.orders_skipped, again.orders_created) == (2, 2, 1)
    assert balances(container, shopify_shop) == {JUERGEN: 150, AENNE: 80}
    ledger_ok(container)
