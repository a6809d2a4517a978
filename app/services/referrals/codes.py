"""Referral codes (one per member, readable and unique per shop) and recording a friend who followed one."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.errors import NotFound
from app.models import Member, Referral, ReferralCode, Shop
from app.repositories import insert_ignore
from app.repositories.records import AnyMember, MemberRecord
from app.uow import UnitOfWork

SUFFIX_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed without mistakes
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "AE", "Ö": "OE", "Ü": "UE"})


class ReferralCodeNotFound(NotFound):
    reason = "referral_code_not_found"
    message = "This referral link is not valid."


def make_code(first_name: str | None, locale: str | None = None) -> str:
    """`JUERGEN-4K7M`: the first name in plain capitals (or FREUND / FRIEND) and four random characters."""
    name = unicodedata.normalize("NFKD", (first_name or "").translate(UMLAUTS))
    fallback = "FRIEND" if locale == "en" else "FREUND"
    name = re.sub(r"[^A-Z]", "", name.encode("ascii", "ignore").decode().upper())[:10] or fallback
    return f"{name}-{''.join(secrets.choice(SUFFIX_ALPHABET) for _ in range(4))}"


def code_for_member(session: Session, shop_id: int, member_id: int) -> str | None:
    """The member's code, if one was made."""
    return session.scalar(
        select(ReferralCode.code).where(ReferralCode.shop_id == shop_id, ReferralCode.member_id == member_id)
    )


def ensure_code(
    session: Session, member: AnyMember, now: datetime, *, new_member: bool = False, shop_locale: str | None = None
) -> str:
    """The member's code, made on first need; a clash with another member's code draws a new suffix.

    A member without a first name gets FREUND-… or FRIEND-…, in the member's language or else the shop's.

    For a member created in this transaction (`new_member`) the insert is tried first: one round trip.
    """
    for attempt in range(8):
        if attempt or not new_member:
            existing = code_for_member(session, member.shop_id, member.id)
            if existing is not None:
                return existing
        code = make_code(member.first_name, member.locale or shop_locale)
        values = {"shop_id": member.shop_id, "member_id": member.id, "code": code, "clicks": 0, "created_at": now}
        # No conflict target: a clash on (shop, member) or on (shop, code) both leave the row out; the next
        # round tells them apart (the member's code exists, or the random code was taken: draw again).
        if insert_ignore(session, ReferralCode, values, ()):
            return code
    raise RuntimeError("could not draw a free referral code")


def ensure_code_for(uow: UnitOfWork, shop_id: int, member_id: int, now: datetime) -> str:
    """Make the member's code in its own transaction (members who joined before the program existed)."""
    with uow:
        member = uow.session.get(Member, member_id)
        if member is None or member.shop_id != shop_id:
            raise NotFound()
        shop = uow.session.get(Shop, shop_id)
        code = ensure_code(uow.session, member, now, shop_locale=shop.locale if shop else None)
        uow.commit()
        return code


def join_hook(session: Session, shop: Shop, member: MemberRecord, now: datetime) -> None:
    """Join hook: every new member gets a referral code."""
    ensure_code(session, member, now, new_member=True, shop_locale=shop.locale)


def record_click(uow: UnitOfWork, shop_id: int, code: str) -> str | None:
    """Count a visit of the referral link; the referrer's first name (ReferralCodeNotFound if unknown)."""
    with uow:
        row = _code_row(uow.session, shop_id, code)
        uow.session.execute(
            update(ReferralCode).where(ReferralCode.id == row.id).values(clicks=ReferralCode.clicks + 1)
        )
        first_name = uow.session.scalar(select(Member.first_name).where(Member.id == row.member_id))
        uow.commit()
        return first_name


def record_referral(
    uow: UnitOfWork,
    shop_id: int,
    code: str,
    now: datetime,
    *,
    customer_ref: str | None = None,
    email: str | None = None,
) -> Referral | None:
    """A friend followed the link (logged in, or leaving an email): remembered until their first order.

    A friend counts once: the first referral recorded for them wins, a later one returns it unchanged.
    The referrer opening their own link (to try it) records nothing: None.
    """
    email = email.strip().lower()[:320] if email else None
    key = friend_key(customer_ref, email)
    if not customer_ref and not email:
        raise ValueError("a referral needs the friend's customer id or email")
    with uow:
        row = _code_row(uow.session, shop_id, code)
        referrer = uow.session.get(Member, row.member_id)
        if referrer is not None and (
            (customer_ref and referrer.customer_ref == customer_ref) or (email and referrer.email == email)
        ):
            return None
        record_pending(uow.session, row, "link" if customer_ref else "email", key, email, customer_ref, now)
        referral = uow.session.scalars(
            select(Referral).where(Referral.shop_id == shop_id, Referral.friend_key == key)
        ).one()
        uow.commit()
        return referral


def friend_key(customer_ref: str | None, email: str | None) -> str:
    """Who a referral is for: their customer id when known, else their email (one referral per friend)."""
    return f"c:{customer_ref}" if customer_ref else f"e:{email}"


def record_pending(
    session: Session,
    code: ReferralCode,
    source: str,
    key: str,
    email: str | None,
    customer_ref: str | None,
    now: datetime,
) -> None:
    """A pending referral of the code's member for the friend `key`, unless the friend has one already."""
    insert_ignore(
        session,
        Referral,
        {
            "shop_id": code.shop_id,
            "referrer_id": code.member_id,
            "code": code.code,
            "source": source,
            "friend_key": key,
            "friend_email": email,
            "friend_customer_ref": customer_ref,
            "status": "pending",
            "flags": [],
            "was_flagged": False,
            "referrer_points": 0,
            "created_at": now,
            "order_name": "",
            "note": "",
        },
        ("shop_id", "friend_key"),
    )


def find_code(session: Session, shop_id: int, code: str) -> ReferralCode | None:
    """The code row for a code as typed (case-insensitive)."""
    return session.scalars(
        select(ReferralCode).where(ReferralCode.shop_id == shop_id, ReferralCode.code == code.strip().upper())
    ).first()


def _code_row(session: Session, shop_id: int, code: str) -> ReferralCode:
    row = find_code(session, shop_id, code)
    if row is None:
        raise ReferralCodeNotFound(code=code)
    return row
