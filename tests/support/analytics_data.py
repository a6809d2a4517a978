"""A small hand-made shop history for the analytics tests: members, orders, ledger, coupons and reviews."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.container import Container
from app.models import Coupon, Member, Order, OutboxMessage, Review, ReviewSubmission, Shop
from app.repositories import MemberRepository
from app.services import ledger
from app.services.ledger import Posting

D = Decimal


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def add_member(session: Any, shop: Shop, ref: str, email: str, *, joined: str = "2024-01-01") -> Member:
    member = Member(shop_id=shop.id, customer_ref=ref, email=email, first_name=ref.title(), balance=0, pending=0,
                    lifetime_points=0, accepts_marketing=True, joined_at=at(joined), updated_at=at(joined))
    session.add(member)
    session.flush()
    return member


def add_order(session: Any, shop: Shop, ref: str, day: str, total: str, *, member: Member | None = None,
              email: str | None = None, refunded: str = "0", paid: bool = True, cancelled: bool = False) -> Order:
    order = Order(
        shop_id=shop.id, order_ref=ref, member_id=member.id if member else None,
        email=email or (member.email if member else None), name=f"#{ref}", currency="EUR",
        financial_status="paid" if paid else "pending", is_paid=paid, is_cancelled=cancelled, is_test=False,
        taxes_included=False, placed_at=at(day), paid_at=at(day) if paid else None, snapshot_at=at(day),
        merchandise=D(total), shipping=D("0"), tax=D("0"), total=D(total), refunded_total=D(refunded),
        refunded_merchandise=D(refunded), refunded_shipping=D("0"), refunded_tax=D("0"), discount_codes=[],
        line_items=[], points_earned=0, created_at=at(day), updated_at=at(day),
    )
    session.add(order)
    session.flush()
    if member is not None and paid and not cancelled and (member.last_order_at is None
                                                           or order.placed_at > member.last_order_at):
        member.last_order_at = order.placed_at
    return order


def post(session: Any, shop: Shop, member: Member, kind: str, points: int, day: str) -> None:
    locked = MemberRepository(session, shop.id).get_for_update(member.id)
    assert locked is not None
    posting = Posting(kind, "test")
    if kind in ("earn", "bonus"):
        ledger.credit(session, locked, points, posting, now=at(day), expires_at=None)
    elif kind == "redeem":
        ledger.spend(session, locked, points, posting, now=at(day))
    else:
        ledger.reverse(session, locked, points, posting, now=at(day))


def worked_example(container: Container, shop: Shop) -> dict[str, Any]:
    """The data set the worked example in test_analytics_report.py computes by hand."""
    with container.uow() as uow:
        s = uow.session
        alice = add_member(s, shop, "alice", "alice@example.de")
        bob = add_member(s, shop, "bob", "bob@example.de")
        carol = add_member(s, shop, "carol", "carol@example.de")
        dave = add_member(s, shop, "dave", "dave@example.de")
        add_order(s, shop, "1", "2024-03-10", "100.00", member=alice)
        add_order(s, shop, "2", "2024-06-01", "80.00", member=bob)
        o3 = add_order(s, shop, "3", "2025-02-15", "50.00", member=alice)
        add_order(s, shop, "4", "2025-03-05", "60.00", member=carol)
        add_order(s, shop, "5", "2025-03-25", "40.00", member=carol, refunded="10.00")
        o6 = add_order(s, shop, "6", "2025-05-05", "30.00", email="gast@example.de")
        add_order(s, shop, "7", "2025-06-20", "150.00", member=alice)
        add_order(s, shop, "8", "2025-07-01", "999.00", member=alice, paid=False)
        o9 = add_order(s, shop, "9", "2025-11-11", "200.00", member=dave)
        add_order(s, shop, "10", "2025-11-12", "500.00", member=dave, cancelled=True)
        post(s, shop, alice, "earn", 100, "2025-02-15")
        post(s, shop, alice, "bonus", 50, "2025-03-01")
        post(s, shop, carol, "earn", 40, "2025-03-05")
        post(s, shop, alice, "redeem", 60, "2025-04-01")
        post(s, shop, alice, "reverse", 20, "2025-06-01")
        post(s, shop, alice, "expire", 10, "2025-12-01")
        _coupons(s, shop, alice, dave, o9)
        _reviews(s, shop, alice, [o3, o6, o9])
        uow.commit()
        return {"alice": alice.id, "bob": bob.id, "carol": carol.id, "dave": dave.id}


def _coupons(s: Any, shop: Shop, alice: Member, dave: Member, used_on: Order) -> None:
    for i, (member, used) in enumerate(((alice, None), (dave, used_on))):
        s.add(Coupon(shop_id=shop.id, member_id=member.id, source="redemption", code=f"TREUE-{i}", kind="fixed_amount",
                     value=D("5"), currency="EUR", starts_at=at("2025-10-01"), status="used" if used else "active",
                     points_spent=0, idempotency_key=f"k{i}", used_order_id=used.id if used else None,
                     used_at=at("2025-11-11") if used else None, created_at=at("2025-10-01"),
                     updated_at=at("2025-10-01")))


def _reviews(s: Any, shop: Shop, member: Member, orders: list[Order]) -> None:
    for i in range(4):
        s.add(OutboxMessage(shop_id=shop.id, member_id=member.id, kind="review_request", locale="de",
                            to_email="a@example.de", dedupe_key=f"rr{i}", context={}, status="sent",
                            due_at=at("2025-08-01"), sent_at=at("2025-08-01"), attempts=1,
                            created_at=at("2025-08-01"), updated_at=at("2025-08-01")))
    for order, score, rating in zip(orders, (10, 9, 3), (5, 4, 2), strict=True):
        sub = ReviewSubmission(shop_id=shop.id, order_id=order.id, member_id=member.id, recommend_score=score,
                               points_awarded=0, submitted_at=at("2025-08-10"))
        s.add(sub)
        s.flush()
        s.add(Review(shop_id=shop.id, submission_id=sub.id, order_id=order.id, member_id=member.id,
                     product_key="p1", rating=rating, body="", flagged=rating <= 2, created_at=at("2025-08-10")))
