"""Ways to earn beyond orders: account creation, newsletter opt-in, birthdays; each awarded exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import extract, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import Conflict, InvalidInput, MemberNotFound
from app.models import BirthdayRecord, EarningSettings, LedgerEntry, Member, Shop
from app.repositories import MemberRepository, ShopRepository, shop_settings
from app.repositories.records import AnyMember, MemberRecord, OrderRecord
from app.services import ledger, marketing_consent
from app.services.ledger import Posting
from app.services.program import award_expiry
from app.uow import UnitOfWork

BIRTHDAY_LOCK = timedelta(days=365)
KIND_BY_REASON = {"signup": "signup", "birthday": "birthday", "newsletter": "bonus"}
BIRTHDAY_CATCH_UP_DAYS = 7  # a worker that was down for a few days still awards the birthdays it missed


class BirthdayLocked(Conflict):
    reason = "birthday_locked"
    message = "The birthday can be changed only once a year."


@dataclass(frozen=True)
class EarningConfig:
    """Points per way to earn (0 = off)."""

    signup_points: int = 0
    newsletter_points: int = 0
    birthday_points: int = 0


def settings_row(session: Session, shop_id: int) -> EarningSettings | None:
    """The shop's stored earning settings, if any were saved."""
    return shop_settings.settings_row(session, EarningSettings, shop_id)


def config(session: Session, shop_id: int) -> EarningConfig:
    """The shop's earning settings, with defaults (all off) when none were saved."""
    row = settings_row(session, shop_id)
    if row is None:
        return EarningConfig()
    return EarningConfig(row.signup_points, row.newsletter_points, row.birthday_points)


def save_settings(uow: UnitOfWork, shop_id: int, values: EarningConfig, now: datetime) -> EarningConfig:
    """Store the shop's earning settings (admin page)."""
    with uow:
        row = settings_row(uow.session, shop_id) or EarningSettings(shop_id=shop_id)
        row.signup_points, row.newsletter_points = values.signup_points, values.newsletter_points
        row.birthday_points, row.updated_at = values.birthday_points, now
        uow.session.add(row)
        uow.commit()
    return values


def award_once(session: Session, member: AnyMember, points: int, reason: str, key: str, now: datetime) -> bool:
    """Credit a one-off award unless the ledger already holds `key`; the caller holds the member lock."""
    if points <= 0 or member.redacted_at is not None:
        return False
    exists = session.scalar(
        select(LedgerEntry.id).where(
            LedgerEntry.shop_id == member.shop_id, LedgerEntry.idempotency_key == key
        )
    )
    if exists is not None:
        return False
    kind = KIND_BY_REASON.get(reason, "bonus")
    posting = Posting(kind, reason, reason, str(member.id), idempotency_key=key)
    ledger.credit(session, member, points, posting, now=now, expires_at=award_expiry(session, member.shop_id, now))
    return True


def award_signup(session: Session, shop: Shop, member: MemberRecord, now: datetime) -> None:
    """Join hook: points for creating an account, and for joining already subscribed to the newsletter."""
    settings = config(session, shop.id)
    award_once(session, member, settings.signup_points, "signup", f"signup:{member.id}", now)
    if member.accepts_marketing:
        award_once(session, member, settings.newsletter_points, "newsletter", f"newsletter:{member.id}", now)


def award_newsletter_on_order(
    session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime
) -> None:
    """Order hook: a member who opted in to marketing since joining gets the newsletter points once."""
    if member.accepts_marketing:
        points = config(session, shop.id).newsletter_points
        award_once(session, member, points, "newsletter", f"newsletter:{member.id}", now)


def subscribe_newsletter(uow: UnitOfWork, shop_id: int, member_id: int, now: datetime) -> bool:
    """The shopper opted in through the widget: record the consent and award the points once."""
    with uow:
        member = _locked_member(uow.session, shop_id, member_id)
        if not member.accepts_marketing:
            member.accepts_marketing = True
            member.updated_at = now
            shop = ShopRepository(uow.session).get(shop_id)
            if shop is not None:
                marketing_consent.request_push(uow.session, shop, member, now)  # the shop's list gets it too
        points = config(uow.session, shop_id).newsletter_points
        awarded = award_once(uow.session, member, points, "newsletter", f"newsletter:{member.id}", now)
        uow.commit()
        return awarded


def set_birthday(uow: UnitOfWork, shop_id: int, member_id: int, birthday: date, now: datetime) -> date:
    """Store the shopper's birthday; a different date is refused until a year after the last change."""
    if not date(1900, 1, 1) <= birthday <= now.date():
        raise InvalidInput(errors={"birthday": ["must be a date in the past"]})
    with uow:
        member = _locked_member(uow.session, shop_id, member_id)
        record = uow.session.scalars(
            select(BirthdayRecord).where(
                BirthdayRecord.shop_id == shop_id, BirthdayRecord.member_id == member_id
            )
        ).first()
        if record is not None and record.birthday == birthday:
            return birthday
        if record is not None and now - record.changed_at < BIRTHDAY_LOCK:
            raise BirthdayLocked(locked_until=(record.changed_at + BIRTHDAY_LOCK).isoformat())
        if record is None:
            record = BirthdayRecord(shop_id=shop_id, member_id=member_id)
            uow.session.add(record)
        record.birthday, record.changed_at = birthday, now
        member.birthday, member.updated_at = birthday, now
        uow.commit()
        return birthday


def award_birthdays(uow_factory: Callable[[], UnitOfWork], now: datetime) -> int:
    """Daily job: birthday points for members whose birthday fell in the last few days (once a year)."""
    awarded = 0
    for shop_id, member_id, key in _due_birthdays(uow_factory, now):
        uow = uow_factory()
        with uow:
            member = MemberRepository(uow.session, shop_id).get_for_update(member_id)
            points = config(uow.session, shop_id).birthday_points
            if member is not None and award_once(uow.session, member, points, "birthday", key, now):
                awarded += 1
            try:
                uow.commit()
            except IntegrityError:  # another worker awarded it first: the unique key settled it
                uow.rollback()
    return awarded


def birthday_in_year(birthday: date, year: int) -> date:
    """The day a birthday is celebrated in `year` (29 February → 28 February outside leap years)."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _due_birthdays(uow_factory: Callable[[], UnitOfWork], now: datetime) -> Iterator[tuple[int, int, str]]:
    today = now.date()
    window = [today - timedelta(days=n) for n in range(BIRTHDAY_CATCH_UP_DAYS)]
    months = sorted({d.month for d in window} | {2})  # February: 29 February is celebrated on the 28th
    uow = uow_factory()
    with uow:
        rows = uow.session.execute(
            select(
                BirthdayRecord.shop_id,
                BirthdayRecord.member_id,
                BirthdayRecord.birthday,
                BirthdayRecord.changed_at,
            )
            .join(EarningSettings, EarningSettings.shop_id == BirthdayRecord.shop_id)
            .join(Shop, Shop.id == BirthdayRecord.shop_id)
            .where(
                EarningSettings.birthday_points > 0,
                Shop.status == "active",
                extract("month", BirthdayRecord.birthday).in_(months),
            )
        ).all()
    for shop_id, member_id, birthday, changed_at in rows:
        for day in window:
            # Entered before the day itself: setting one's birthday to today earns nothing this year.
            if birthday_in_year(birthday, day.year) == day and changed_at.date() < day:
                yield shop_id, member_id, f"birthday:{member_id}:{day.year}"


def _locked_member(session: Session, shop_id: int, member_id: int) -> Member:
    member = MemberRepository(session, shop_id).get_for_update(member_id)
    if member is None:
        raise MemberNotFound()
    return member
