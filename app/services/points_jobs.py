"""Points over time: pending points mature, lots and idle balances expire, reminders go out before expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from app.domain.expiry import add_months, inactivity_deadline, reminder_due
from app.models import LedgerEntry, Member, PointLot, ProgramSettings, Shop
from app.services import ledger
from app.services.ledger import Posting
from app.services.worklist import claim_next, for_each_claimed
from app.uow import UnitOfWork


def _active_shops(
    uow_factory: Callable[[], UnitOfWork], shop_id: int | None = None
) -> list[tuple[Shop, ProgramSettings]]:
    # `shop_id`: one shop only (the demo replays its history at its own past time, never other shops').
    query = (
        select(Shop, ProgramSettings).join(ProgramSettings, ProgramSettings.shop_id == Shop.id)
        .where(Shop.status == "active").order_by(Shop.id)
    )
    if shop_id is not None:
        query = query.where(Shop.id == shop_id)
    with uow_factory() as uow:
        return list(uow.session.execute(query))


def _members_with(shop_id: int, lots_due: Select[tuple[int]]) -> Select[tuple[Member]]:
    return select(Member).where(Member.shop_id == shop_id, Member.id.in_(lots_due)).order_by(Member.id)


def _due_lots(session: Session, shop_id: int, member_id: int, *conditions: object) -> list[PointLot]:
    return list(session.scalars(
        select(PointLot).where(PointLot.shop_id == shop_id, PointLot.member_id == member_id, *conditions)
        .order_by(PointLot.id)
    ))


def mature_pending_points(uow_factory: Callable[[], UnitOfWork], now: datetime, *, shop_id: int | None = None) -> int:
    """Worker job: lots whose pending period is over become spendable (member by member, under its lock)."""
    total = 0
    for shop, _settings in _active_shops(uow_factory, shop_id):
        due = (PointLot.shop_id == shop.id, PointLot.matured.is_(False), PointLot.available_at <= now)
        members = _members_with(shop.id, select(PointLot.member_id).where(*due))

        def work(session: Session, member: Member, due: tuple[object, ...] = due) -> bool:
            lots = _due_lots(session, member.shop_id, member.id, *due)
            for lot in lots:
                ledger.mature_lot(member, lot)
            member.updated_at = now
            return bool(lots)

        total += for_each_claimed(uow_factory, lambda s, skip, q=members: claim_next(s, q, Member.id, skip),
                                  work, key=lambda m: m.id, job="mature_pending_points")
    return total


def expire_points(uow_factory: Callable[[], UnitOfWork], now: datetime, *, shop_id: int | None = None) -> int:
    """Worker job: expire what the shop's policy says is due, through ledger entries (idempotent per lot).

    "per_lot": each lot on its own expiry date. "inactivity": the whole balance once `expiry_months` have
    passed since the member's last purchase, joining, or points earned or spent. "never": nothing.
    """
    total = 0
    for shop, settings in _active_shops(uow_factory, shop_id):
        if settings.expiry_policy == "per_lot":
            total += _expire_lots(uow_factory, shop.id, now)
        elif settings.expiry_policy == "inactivity" and settings.expiry_months >= 1:
            total += _expire_idle(uow_factory, shop.id, settings.expiry_months, now)
    return total


def _expire(session: Session, member: Member, lots: list[PointLot], reason: str, now: datetime) -> bool:
    for lot in lots:
        posting = Posting("expire", reason, "lot", str(lot.id), idempotency_key=f"expire-lot:{lot.id}")
        ledger.expire_lot(session, member, lot, posting, now=now)
    return bool(lots)


def _expire_lots(uow_factory: Callable[[], UnitOfWork], shop_id: int, now: datetime) -> int:
    due = (PointLot.shop_id == shop_id, PointLot.remaining > 0, PointLot.expires_at <= now)
    members = _members_with(shop_id, select(PointLot.member_id).where(*due))

    def work(session: Session, member: Member) -> bool:
        return _expire(session, member, _due_lots(session, shop_id, member.id, *due), "points_expired", now)

    return for_each_claimed(uow_factory, lambda s, skip: claim_next(s, members, Member.id, skip), work,
                            key=lambda m: m.id, job="expire_points")


# A shopper is active when they buy, join, or earn or spend points (a birthday gift, a review's points, a
# redemption); an expiry, or points taken back for a refund, is no sign of them.
_NOT_ACTIVITY = ("expire", "reverse")


def _active_since(moment: datetime) -> ColumnElement[bool]:
    """The member (of the enclosing query) bought, joined, or earned or spent points after `moment`."""
    entry_after = select(LedgerEntry.id).where(
        LedgerEntry.shop_id == Member.shop_id, LedgerEntry.member_id == Member.id,
        LedgerEntry.kind.not_in(_NOT_ACTIVITY), LedgerEntry.occurred_at > moment,
    )
    return or_(func.coalesce(Member.last_order_at, Member.joined_at) > moment, entry_after.exists())


def _last_activity(session: Session, member: Member) -> datetime:
    latest_entry = session.scalar(select(func.max(LedgerEntry.occurred_at)).where(
        LedgerEntry.shop_id == member.shop_id, LedgerEntry.member_id == member.id,
        LedgerEntry.kind.not_in(_NOT_ACTIVITY),
    ))
    bought_or_joined = member.last_order_at or member.joined_at
    return bought_or_joined if latest_entry is None else max(bought_or_joined, _aware(latest_entry))


def _expire_idle(uow_factory: Callable[[], UnitOfWork], shop_id: int, months: int, now: datetime) -> int:
    members = select(Member).where(
        Member.shop_id == shop_id, Member.balance > 0, ~_active_since(add_months(now, -months))
    ).order_by(Member.id)

    def work(session: Session, member: Member) -> bool:
        if member.balance <= 0 or inactivity_deadline(_last_activity(session, member), months) > now:
            return False  # active meanwhile, or another worker expired it already
        lots = _due_lots(session, shop_id, member.id, PointLot.remaining > 0)
        return _expire(session, member, lots, "points_expired_inactivity", now)

    return for_each_claimed(uow_factory, lambda s, skip: claim_next(s, members, Member.id, skip), work,
                            key=lambda m: m.id, job="expire_points")


def send_expiry_reminders(uow_factory: Callable[[], UnitOfWork], now: datetime, *, shop_id: int | None = None) -> int:
    """Worker job: a points-expiry reminder `expiry_reminder_days` before points expire, once per member and
    expiry date (the outbox's dedupe key makes reruns and a second worker harmless).

    It speaks only of points the member could spend when the reminder window opened. Points that became spendable
    inside it are imported history (`loyalty import --award-points` credits a purchase of long ago days before its
    points expire): announcing those would send a burst of reminders right after an import, about purchases the
    shoppers made long ago, to customers who never joined. Points earned live are spendable long before their window
    (a pending period is days, the expiry period months), so this leaves live reminders as they were.
    """
    total = 0
    for shop, settings in _active_shops(uow_factory, shop_id):
        days = settings.expiry_reminder_days
        if days <= 0 or settings.expiry_policy not in ("per_lot", "inactivity"):
            continue
        with uow_factory() as uow:
            if settings.expiry_policy == "per_lot":
                due = _lot_reminders(uow.session, shop.id, days, now)
            else:
                due = _idle_reminders(uow.session, shop.id, settings.expiry_months, days, now)
            for member, points, expires_at in due:
                total += _remind(uow.session, shop, member, points, expires_at, now)
            uow.commit()
    return total


def _lot_reminders(session: Session, shop_id: int, days: int, now: datetime) -> list[tuple[Member, int, datetime]]:
    window = timedelta(days=days)
    lots = session.execute(select(PointLot.member_id, PointLot.expires_at, PointLot.remaining, PointLot.available_at)
                           .where(PointLot.shop_id == shop_id, PointLot.remaining > 0, PointLot.expires_at > now,
                                  PointLot.expires_at <= now + window))
    soon: dict[int, tuple[datetime, int]] = {}  # member → (first expiry, points expiring) of the lots to announce
    for member_id, expires, remaining, available in lots:
        expires_at = _aware(expires)
        if _aware(available) > expires_at - window:
            continue  # spendable only inside its reminder window (see `send_expiry_reminders`)
        first, points = soon.get(member_id, (expires_at, 0))
        soon[member_id] = (min(first, expires_at), points + remaining)
    if not soon:
        return []
    members = session.scalars(select(Member).where(Member.shop_id == shop_id, Member.id.in_(soon), Member.balance > 0)
                              .order_by(Member.id))
    return [(m, soon[m.id][1], soon[m.id][0]) for m in members]


def _idle_reminders(
    session: Session, shop_id: int, months: int, days: int, now: datetime
) -> list[tuple[Member, int, datetime]]:
    if months < 1:
        return []
    window_end = add_months(now + timedelta(days=days), -months)
    members = session.scalars(select(Member).where(
        Member.shop_id == shop_id, Member.balance > 0, ~_active_since(window_end),
        _active_since(add_months(now, -months) - timedelta(days=1)),
    ).order_by(Member.id))
    found = []
    for member in members:
        deadline = inactivity_deadline(_last_activity(session, member), months)
        if reminder_due(deadline, days, now) and _spendable_by(session, member, deadline - timedelta(days=days)):
            found.append((member, member.balance, deadline))
    return found


def _spendable_by(session: Session, member: Member, moment: datetime) -> bool:
    """Whether some of the member's points were spendable at `moment` (see `send_expiry_reminders`)."""
    return session.scalar(select(PointLot.id).where(
        PointLot.shop_id == member.shop_id, PointLot.member_id == member.id, PointLot.remaining > 0,
        PointLot.available_at <= moment,
    ).limit(1)) is not None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _remind(session: Session, shop: Shop, member: Member, points: int, expires_at: datetime, now: datetime) -> int:
    from app.services.messages import enqueue

    message = enqueue(
        session, shop, member, "points_expiring", due_at=now, now=now,
        dedupe_key=f"points_expiring:{member.id}:{expires_at.date().isoformat()}",
        context={"points": points, "expires_at": expires_at.isoformat()},
    )
    return 1 if message is not None else 0
