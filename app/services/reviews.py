"""The review page: what a signed link may review, storing the answers, review points once per order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from app.domain.errors import Conflict, InvalidInput, InvalidLink
from app.domain.refunds import goods_returned
from app.domain.shops import storefront_url
from app.i18n import pick_locale
from app.models import Member, Order, OutboxMessage, Review, ReviewSubmission, Shop
from app.repositories import MemberRepository, insert_ignore
from app.services import ledger
from app.services.email_links import LinkExpired, ReviewLink, read_review_token, shop_of
from app.services.email_settings import get_config
from app.services.ledger import Posting
from app.services.program import award_expiry
from app.uow import UnitOfWork

LOW_RATING = 2  # ratings at or below are flagged for the merchant
MAX_TEXT = 5000


class OrderNotReviewable(Conflict):
    """The order was cancelled or refunded after the request went out."""

    reason = "order_not_reviewable"
    message = "This order can no longer be reviewed."


@dataclass(frozen=True)
class Product:
    """One product of the order, as the page lists it."""

    key: str
    title: str
    quantity: int


@dataclass(frozen=True)
class ReviewPage:
    """What the review page shows."""

    shop_name: str
    locale: str
    order_name: str
    products: list[Product]
    review_points: int
    submitted: bool
    reviewable: bool
    formal: bool = False  # the shop addresses its customers as "Sie" (German)
    shop_url: str = ""  # where "Weiter zu {shop}" leads once the page has nothing more to ask


@dataclass(frozen=True)
class ExpiredPage:
    """What the page of an expired link shows: whose shop it was, and where to find it."""

    shop_name: str
    shop_url: str
    locale: str
    formal: bool = False


class ReviewLinkExpired(InvalidLink):
    """A review link whose time is up, of a shop that is still there (and still the link's): its page names it."""

    message = "This link has expired."

    def __init__(self, page: ExpiredPage) -> None:
        super().__init__()
        self.page = page


@dataclass(frozen=True)
class ProductRating:
    """The shopper's stars (1–5) and text for one product."""

    key: str
    rating: int
    text: str = ""


@dataclass(frozen=True)
class ReviewOutcome:
    """What submitting did."""

    points_awarded: int
    already_submitted: bool
    flagged: list[str] = field(default_factory=list)


def review_page(uow: UnitOfWork, secret: str, token: str, now: datetime) -> ReviewPage:
    """The page behind a review link; InvalidLink when forged or the order or shop is gone (or is another shop's
    now), ReviewLinkExpired when its time is up."""
    with uow:
        link, shop, order, member = _resolve(uow, secret, token, now)
        config = get_config(uow.session, shop.id)
        submitted = uow.session.scalar(select(ReviewSubmission.id).where(
            ReviewSubmission.shop_id == shop.id, ReviewSubmission.order_id == order.id)) is not None
        return ReviewPage(
            shop_name=shop.name or shop.domain, locale=pick_locale(member.locale, shop.locale),
            order_name=order.name or f"#{order.order_ref}", products=products_of(order),
            review_points=config.review_points, submitted=submitted, reviewable=_reviewable(order),
            formal=config.formal, shop_url=storefront_url(shop.platform, shop.domain),
        )


def submit_review(uow: UnitOfWork, secret: str, token: str, ratings: list[ProductRating],
                  recommend_score: int | None, now: datetime) -> ReviewOutcome:
    """Store the reviews of one order (once), flag low ratings, credit review points once per order."""
    with uow:
        link, shop, order, member = _resolve(uow, secret, token, now)
        if not _reviewable(order):
            raise OrderNotReviewable()
        rated = _validate(order, ratings, recommend_score)
        submission = {"shop_id": shop.id, "order_id": order.id, "member_id": member.id,
                      "recommend_score": recommend_score, "points_awarded": 0, "submitted_at": now}
        if not insert_ignore(uow.session, ReviewSubmission, submission, ("shop_id", "order_id")):
            return ReviewOutcome(points_awarded=0, already_submitted=True)
        row = uow.session.scalars(select(ReviewSubmission).where(
            ReviewSubmission.shop_id == shop.id, ReviewSubmission.order_id == order.id)).one()
        titles = {p.key: p.title for p in products_of(order)}
        for rating in rated:
            uow.session.add(Review(
                shop_id=shop.id, submission_id=row.id, order_id=order.id, member_id=member.id,
                product_key=rating.key, product_title=titles[rating.key][:255], rating=rating.rating,
                body=rating.text.strip()[:MAX_TEXT], flagged=rating.rating <= LOW_RATING, created_at=now,
            ))
        row.points_awarded = _award_points(uow, shop, order, member, now)
        _cancel_reminder(uow, shop.id, order.id, now)
        uow.commit()
        return ReviewOutcome(row.points_awarded, False, [r.key for r in rated if r.rating <= LOW_RATING])


def products_of(order: Order) -> list[Product]:
    """The order's distinct products (by product id, else line id), in order of the line items."""
    seen: dict[str, Product] = {}
    for line in order.line_items or []:
        key = str(line.get("product_ref") or line.get("ref") or "")[:64]
        if key and key not in seen:
            seen[key] = Product(key=key, title=str(line.get("title") or ""), quantity=int(line.get("quantity") or 1))
    return list(seen.values())


def _resolve(uow: UnitOfWork, secret: str, token: str, now: datetime) -> tuple[ReviewLink, Shop, Order, Member]:
    try:
        link = read_review_token(secret, token, now)
    except LinkExpired as expired:
        raise _expired(uow, expired.link) from expired
    shop = shop_of(uow.session, link)
    order = uow.session.scalars(select(Order).where(Order.shop_id == link.shop_id, Order.id == link.order_id)).first()
    member = MemberRepository(uow.session, link.shop_id).get(link.member_id)
    if shop is None or not shop.is_active or order is None or member is None or member.redacted_at is not None:
        raise InvalidLink()
    return link, shop, order, member


def _expired(uow: UnitOfWork, link: ReviewLink) -> InvalidLink:
    # Named only while the link's shop is still the one it was signed for, in its shopper's language if known.
    shop = shop_of(uow.session, link)
    if shop is None or not shop.is_active:
        return InvalidLink()
    member = MemberRepository(uow.session, shop.id).get(link.member_id)
    known = member.locale if member is not None and member.redacted_at is None else None
    return ReviewLinkExpired(ExpiredPage(
        shop_name=shop.name or shop.domain, shop_url=storefront_url(shop.platform, shop.domain),
        locale=pick_locale(known, shop.locale), formal=get_config(uow.session, shop.id).formal,
    ))


def _reviewable(order: Order) -> bool:
    return order.is_paid and not order.is_cancelled and not goods_returned(order)


def _validate(order: Order, ratings: list[ProductRating], recommend_score: int | None) -> list[ProductRating]:
    keys = {p.key for p in products_of(order)}
    errors: dict[str, list[str]] = {}
    rated = [r for r in ratings if r.rating]
    for r in rated:
        if r.key not in keys:
            errors.setdefault("ratings", []).append(f"unknown product {r.key!r}")
        elif not 1 <= r.rating <= 5:
            errors.setdefault("ratings", []).append("a rating is 1 to 5 stars")
    if not rated:
        errors.setdefault("ratings", []).append("rate at least one product")
    if recommend_score is not None and not 0 <= recommend_score <= 10:
        errors["recommend_score"] = ["0 to 10"]
    if len({r.key for r in rated}) != len(rated):
        errors.setdefault("ratings", []).append("one rating per product")
    if errors:
        raise InvalidInput("The review is not complete.", errors=errors)
    return rated


def _award_points(uow: UnitOfWork, shop: Shop, order: Order, member: Member, now: datetime) -> int:
    points = get_config(uow.session, shop.id).review_points
    if points <= 0:
        return 0
    locked = MemberRepository(uow.session, shop.id).get_for_update(member.id)
    if locked is None:
        return 0
    posting = Posting("review", "review", "order", order.order_ref, order.id, actor="shopper",
                      idempotency_key=f"review:{order.id}")
    ledger.credit(uow.session, locked, points, posting, now=now, expires_at=award_expiry(uow.session, shop.id, now))
    return points


def _cancel_reminder(uow: UnitOfWork, shop_id: int, order_id: int, now: datetime) -> None:
    uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.shop_id == shop_id, OutboxMessage.order_id == order_id,
               OutboxMessage.kind.in_(("review_request", "review_reminder")), OutboxMessage.status == "pending")
        .values(status="cancelled", last_error="already_reviewed", updated_at=now)
    )
