"""The review page `/reviews/<token>`: no login, a signed expiring link, stars and text per product."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_smorest import Blueprint

from app.api import container
from app.api.docs import html
from app.api.security_headers import token_page_headers
from app.domain.errors import InvalidInput, InvalidLink
from app.i18n import pick_locale, texts_for
from app.services import reviews
from app.services.reviews import ExpiredPage, OrderNotReviewable, ProductRating, ReviewLinkExpired

blp = Blueprint("reviews", __name__, description="Review page reached from review-request emails.")
blp.after_request(token_page_headers)


@blp.route("/reviews/<token>", methods=["GET"])
@blp.doc(responses={"200": html("the review page"), "404": html("the link is invalid or has expired")})
def review_page(token: str) -> Any:
    """Show the order's products to rate (or the thanks, if already reviewed)."""
    c = container()
    try:
        page = reviews.review_page(c.uow(), c.settings.secret_key, token, c.clock.now())
    except ReviewLinkExpired as expired:
        return _expired(expired.page)
    except InvalidLink:
        return _message("emails.review.expired", 404)
    return _render(page, pick_locale(request.args.get("lang"), page.locale))


@blp.route("/reviews/<token>", methods=["POST"])
@blp.doc(responses={"200": html("thanks"), "404": html("the link is invalid or has expired"),
                    "409": html("the order can no longer be reviewed"), "422": html("the form is incomplete")})
def submit(token: str) -> Any:
    """Store the shopper's ratings (a plain form post, so it works without JavaScript)."""
    c = container()
    form = request.form
    ratings = [ProductRating(key, _int(form.get(f"rating-{key}")) or 0, form.get(f"text-{key}", ""))
               for key in form.getlist("product")]
    try:
        outcome = reviews.submit_review(c.uow(), c.settings.secret_key, token, ratings,
                                        _int(form.get("recommend")), c.clock.now())
        page = reviews.review_page(c.uow(), c.settings.secret_key, token, c.clock.now())
    except ReviewLinkExpired as expired:
        return _expired(expired.page)
    except InvalidLink:
        return _message("emails.review.expired", 404)
    except OrderNotReviewable:
        return _message("emails.review.unavailable", 409)
    except InvalidInput:
        page = reviews.review_page(c.uow(), c.settings.secret_key, token, c.clock.now())
        return _render(page, pick_locale(form.get("lang"), page.locale), error=True,
                       filled=_filled(ratings, form.get("recommend"))), 422
    locale = pick_locale(form.get("lang"), page.locale)
    return _render(page, locale, outcome=outcome)


def _render(page: reviews.ReviewPage, locale: str, **extra: Any) -> str:
    return render_template("reviews/page.html", page=page, locale=locale, t=texts_for(locale, "emails.", page.formal),
                           **extra)


def _filled(ratings: list[ProductRating], recommend: str | None) -> dict[str, Any]:
    """What the shopper submitted, to show the form again with it (so only the missing part needs adding)."""
    return {
        "stars": {r.key: r.rating for r in ratings},
        "texts": {r.key: r.text for r in ratings},
        "recommend": _int(recommend),
        "recommend_skipped": recommend == "",  # "no answer" was picked (an unpicked radio is not sent at all)
    }


def _expired(page: ExpiredPage) -> tuple[str, int]:
    # The same 404 as any link that is not valid, but headed by the shop's name and in its way of addressing.
    locale = pick_locale(request.values.get("lang"), page.locale)
    texts = texts_for(locale, "emails.", page.formal)
    return render_template("reviews/expired.html", page=page, locale=locale, t=texts), 404


def _message(key: str, status: int) -> tuple[str, int]:
    locale = pick_locale(request.args.get("lang"), request.accept_languages.best)
    texts = texts_for(locale, "emails.")
    return render_template("reviews/message.html", locale=locale, t=texts, message=texts[key]), status


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
