"""Hypothesis over the pure lot rules: no sequence of earn/redeem/refund/expire/mature overspends a lot,
overdraws a redemption, or breaks cache == sum."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import ledger as rules

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Lot:
    id: int
    points: int
    remaining: int
    expires_at: datetime | None
    matured: bool
    order_id: int | None


@dataclass
class Wallet:
    """What app.services.ledger keeps per member, modelled on the same planners without a database."""

    deltas: list[int] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    balance: int = 0
    pending: int = 0

    def views(self) -> list[rules.LotView]:
        return [rules.LotView(lot.id, lot.remaining, lot.expires_at, lot.matured, lot.order_id, lot.id)
                for lot in self.lots]

    def post(self, delta: int) -> None:
        self.deltas.append(delta)
        self.balance += delta

    def earn(self, points: int, order_id: int, pending: bool, expires_in: int | None) -> None:
        remaining = rules.credit_remaining(points, self.balance)
        expires = T0 + timedelta(days=expires_in) if expires_in is not None else None
        self.lots.append(Lot(len(self.lots) + 1, points, remaining, expires, not pending, order_id))
        if pending:
            self.pending += remaining
        self.post(points)

    def apply(self, plan: rules.DebitPlan) -> None:
        by_id = {lot.id: lot for lot in self.lots}
        for lot_id, take in plan.takes:
            by_id[lot_id].remaining -= take
            if not by_id[lot_id].matured:
                self.pending -= take

    def redeem(self, points: int) -> bool:
        if points > rules.spendable(self.balance, self.pending):
            return False
        self.apply(rules.plan_redemption(self.views(), points))
        self.post(-points)
        return True

    def refund(self, points: int, order_id: int) -> None:
        self.apply(rules.plan_reversal(self.views(), points, order_id=order_id))
        self.post(-points)

    def expire(self, index: int) -> None:
        lot = self.lots[index % len(self.lots)]
        if not lot.matured:
            self.pending -= lot.remaining
        points, lot.remaining = lot.remaining, 0
        self.post(-points)

    def mature(self, index: int) -> None:
        lot = self.lots[index % len(self.lots)]
        if not lot.matured:
            lot.matured = True
            self.pending -= lot.remaining


operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 500), st.integers(1, 4), st.booleans(),
                  st.one_of(st.none(), st.integers(1, 400))),
        st.tuples(st.just("redeem"), st.integers(1, 800)),
        st.tuples(st.just("refund"), st.integers(1, 300), st.integers(1, 4)),
        st.tuples(st.just("expire"), st.integers(0, 50)),
        st.tuples(st.just("mature"), st.integers(0, 50)),
    ),
    max_size=40,
)


def run(wallet: Wallet, op: tuple) -> None:  # type: ignore[type-arg]
    kind, *args = op
    if kind == "earn":
        points, order_id, pending, expires_in = args
        wallet.earn(points, order_id, pending, expires_in)
    elif kind == "redeem":
        before = wallet.balance
        if wallet.redeem(args[0]):
            assert wallet.balance >= 0, "a redemption never takes the balance below zero"
        else:
            assert wallet.balance == before
    elif kind == "refund":
        wallet.refund(args[0], args[1])
    elif wallet.lots:
        getattr(wallet, kind)(args[0])


@settings(max_examples=300, deadline=None)
@given(operations)
def test_no_sequence_breaks_the_ledger_invariants(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    wallet = Wallet()
    for op in ops:
        run(wallet, op)
        assert wallet.balance == sum(wallet.deltas)
        assert all(0 <= lot.remaining <= lot.points for lot in wallet.lots)
        assert sum(lot.remaining for lot in wallet.lots) == max(wallet.balance, 0)
        assert wallet.pending == sum(lot.remaining for lot in wallet.lots if not lot.matured)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 300), st.booleans()), min_size=1, max_size=8), st.integers(1, 2000))
def test_a_redemption_is_refused_rather_than_overdrawing_spendable_points(earned, amount) -> None:  # type: ignore[no-untyped-def]
    wallet = Wallet()
    for i, (points, pending) in enumerate(earned):
        wallet.earn(points, i, pending, None)
    spendable = rules.spendable(wallet.balance, wallet.pending)

    accepted = wallet.redeem(amount)

    assert accepted == (amount <= spendable)
    assert all(lot.remaining >= 0 for lot in wallet.lots)
    assert wallet.pending == sum(lot.remaining for lot in wallet.lots if not lot.matured)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=2, max_size=6), st.integers(1, 300))
def test_redemption_draws_the_soonest_expiring_lot_first(expiries, amount) -> None:  # type: ignore[no-untyped-def]
    wallet = Wallet()
    for i, days in enumerate(expiries):
        wallet.earn(100, i, False, days)

    wallet.redeem(min(amount, wallet.balance))

    drawn = sorted(wallet.lots, key=lambda lot: (lot.expires_at, lot.id))
    remaining = [lot.remaining for lot in drawn]
    assert remaining == sorted(remaining), "a later-expiring lot is never drawn before a sooner one"
