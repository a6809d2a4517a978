"""Records of the order path (app.repositories.records): every column, converted both ways, saved when changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.models import Member, Order
from app.repositories.member_records import MemberRecords
from app.repositories.order_records import OrderRecords
from app.repositories.records import MemberRecord, OrderRecord, columns, save
from tests.support.statements import statements_during

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(("record", "model"), [(MemberRecord, Member), (OrderRecord, Order)])
def test_a_record_has_every_column_of_its_table_in_table_order(record: Any, model: Any) -> None:
    assert columns(record) == tuple(model.__table__.columns.keys())


def updates_of(container: Any, action: Any) -> list[str]:
    return [sql for sql in statements_during(container, action) if sql.lstrip().startswith(("UPDATE", "WITH"))]


def new_order(orders: OrderRecords) -> OrderRecord:
    return orders.lock_or_create("5001", {
        "placed_at": NOW, "snapshot_at": NOW, "created_at": NOW, "updated_at": NOW, "name": "#1001",
        "currency": "EUR", "financial_status": "paid", "is_paid": True, "is_cancelled": False, "is_test": False,
        "taxes_included": True, "points_earned": 0, "discount_codes": ["TREUE-1"],
        "line_items": [{"ref": "1", "title": "Espresso", "quantity": 2, "amount": "24.90"}],
        **{k: Decimal("0") for k in ("merchandise", "shipping", "tax", "total", "refunded_merchandise",
                                     "refunded_shipping", "refunded_tax", "refunded_total")},
    })


def test_an_order_record_comes_back_with_every_type_as_written(container, shopify_shop) -> None:
    with container.uow() as uow:
        created = new_order(OrderRecords(uow.session, shopify_shop.id))
        created.merchandise, created.earn_rules = Decimal("49.90"), {"points_per_unit": "1", "rounding": "down"}
        created.paid_at = NOW + timedelta(minutes=5)
        OrderRecords(uow.session, shopify_shop.id).save(created)
        uow.commit()

    with container.uow() as uow:
        found = OrderRecords(uow.session, shopify_shop.id).lock("5001")

    assert found is not None
    assert (found.merchandise, found.paid_at, found.is_paid) == (Decimal("49.90"), NOW + timedelta(minutes=5), True)
    assert found.paid_at.tzinfo is not None
    assert found.discount_codes == ["TREUE-1"]
    assert found.line_items[0]["title"] == "Espresso"
    assert found.earn_rules == {"points_per_unit": "1", "rounding": "down"}


def test_saving_writes_only_the_changed_columns_and_nothing_when_nothing_changed(container, shopify_shop) -> None:
    with container.uow() as uow:
        members = MemberRecords(uow.session, shopify_shop.id)
        member, created = members.lock_by_customer("7001", "juergen.weiss@example.de", NOW)

        unchanged = updates_of(container, lambda: members.save(member))
        member.balance += 50
        changed = updates_of(container, lambda: members.save(member))
        again = updates_of(container, lambda: members.save(member))

    assert created
    assert unchanged == []
    assert again == []
    assert len(changed) == 1
    assert "balance" in changed[0]
    assert "email" not in changed[0]


def test_a_member_locked_twice_in_a_transaction_is_the_same_record(container, shopify_shop) -> None:
    with container.uow() as uow:
        members = MemberRecords(uow.session, shopify_shop.id)
        member, _ = members.lock_by_customer("7001", None, NOW)
        member.balance = 70

        assert members.lock(member.id) is member
        assert members.lock_by_customer("7001", None, NOW) == (member, False)


def test_an_order_and_a_member_changed_together_are_written_together(container, shopify_shop, is_postgres) -> None:
    with container.uow() as uow:
        order = new_order(OrderRecords(uow.session, shopify_shop.id))
        member, _ = MemberRecords(uow.session, shopify_shop.id).lock_by_customer("7001", None, NOW)
        order.member_id, order.points_earned, member.balance = member.id, 49, 49

        written = updates_of(container, lambda: save(uow.session, order, member))
        uow.commit()

    with container.uow() as uow:
        order_again = OrderRecords(uow.session, shopify_shop.id).lock("5001")
        member_again = MemberRecords(uow.session, shopify_shop.id).lock(member.id)
    assert order_again is not None
    assert member_again is not None
    assert (order_again.member_id, order_again.points_earned, member_again.balance) == (member.id, 49, 49)
    assert len(written) == (1 if is_postgres else 2)


def order_of_member(container: Any, shop_id: int) -> int:
    """Order 5001, paid by member 7001, committed; returns the member's id."""
    with container.uow() as uow:
        order = new_order(OrderRecords(uow.session, shop_id))
        member, _ = MemberRecords(uow.session, shop_id).lock_by_customer("7001", None, NOW)
        order.member_id = member.id
        save(uow.session, order, member)
        uow.commit()
    return member.id


def test_locking_an_order_locks_its_member_with_it_and_the_member_lock_then_reads_nothing(
    container, shopify_shop
) -> None:
    member_id = order_of_member(container, shopify_shop.id)

    with container.uow() as uow:
        orders, members = OrderRecords(uow.session, shopify_shop.id), MemberRecords(uow.session, shopify_shop.id)
        uow.session.connection()  # the transaction has begun
        locked: list[Any] = []
        order_statements = statements_during(container, lambda: locked.append(orders.lock("5001")))
        member_statements = statements_during(container, lambda: locked.append(members.lock(member_id)))

    assert len(order_statements) == 1
    assert member_statements == []
    assert locked[0].member_id == member_id
    assert locked[1].id == member_id


def test_a_member_changed_before_its_order_is_locked_keeps_its_changes(container, shopify_shop) -> None:
    member_id = order_of_member(container, shopify_shop.id)

    with container.uow() as uow:
        members = MemberRecords(uow.session, shopify_shop.id)
        member = members.lock(member_id)
        assert member is not None
        member.balance = 120
        OrderRecords(uow.session, shopify_shop.id).lock("5001")

        assert members.lock(member_id) is member
        assert member.balance == 120


@pytest.mark.postgres
def test_the_member_of_a_locked_order_is_locked_against_other_transactions(
    container, shopify_shop, is_postgres
) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    if not is_postgres:
        pytest.skip("row locks are PostgreSQL's (SQLite locks the whole database)")
    member_id = order_of_member(container, shopify_shop.id)

    with container.uow() as uow:
        OrderRecords(uow.session, shopify_shop.id).lock("5001")
        with container.engine.connect() as other:
            with pytest.raises(OperationalError, match="could not obtain lock"):
                other.execute(text("SELECT id FROM members WHERE id = :id FOR UPDATE NOWAIT"), {"id": member_id})
