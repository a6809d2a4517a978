"""The review page over HTTP: tokenised, no login, stars and text per product, points once, low ratings flagged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.domain.snapshots import LineItem
from app.models import LedgerEntry, Review, ReviewSubmission, Shop
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import (  # noqa: F401
    configure,
    dispatch,
    mailer_fixture,
    messages,
    request_review,
    schedule_reviews,
)
from tests.support.snapshots import customer, refund

FAN = customer(accepts_marketing=True, first_name="<script>alert(1)</script>")
LINES = (
    LineItem("l1", "p-espresso", "Espresso <b>Bohnen</b>", 2, Decimal("39.80")),
    LineItem("l2", "p-kanne", "Milchkännchen", 1, Decimal("14.90")),
)


def _rows(container, model):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return list(uow.session.scalars(select(model).order_by(model.id)))


def test_review_page_lists_the_orders_products_escaped_without_a_login(client, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    response = client.get(path)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Espresso &lt;b&gt;Bohnen&lt;/b&gt;" in html
    assert "Milchkännchen" in html
    assert "<b>Bohnen</b>" not in html
    assert 'name="viewport"' in html


def test_submitting_stores_reviews_flags_low_ratings_and_credits_points_once(client, container, shopify_shop,
                                                                             mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    form = {"product": ["p-espresso", "p-kanne"], "rating-p-espresso": "5", "text-p-espresso": "Herrlich <i>",
            "rating-p-kanne": "2", "text-p-kanne": "Tropft", "recommend": "9"}

    first = client.post(path, data=form)
    again = client.post(path, data=form)

    assert first.status_code == 200
    assert "Vielen Dank für deine Bewertung!" in first.get_data(as_text=True)
    assert "bereits bewertet" in again.get_data(as_text=True)
    reviews = _rows(container, Review)
    assert [(r.product_key, r.rating, r.flagged, r.body) for r in reviews] == [
        ("p-espresso", 5, False, "Herrlich <i>"), ("p-kanne", 2, True, "Tropft")]
    assert [s.recommend_score for s in _rows(container, ReviewSubmission)] == [9]
    review_entries = [e for e in _rows(container, LedgerEntry) if e.kind == "review"]
    assert [(e.delta, e.idempotency_key) for e in review_entries] == [(50, f"review:{reviews[0].order_id}")]


LINK = ('<a href="https://kaffee-mueller.myshopify.com" data-testid="review-shop-link">'
        "Weiter zu Kaffeerösterei Müller</a>")


def test_the_thanks_and_the_already_reviewed_pages_lead_on_to_the_shop(client, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    thanks = client.post(path, data={"product": ["p-kanne"], "rating-p-kanne": "5"}).get_data(as_text=True)
    again = client.get(path).get_data(as_text=True)

    assert 'data-testid="review-thanks"' in thanks
    assert LINK in thanks
    assert "bereits bewertet" in again
    assert LINK in again


def test_an_order_no_longer_reviewable_leads_on_to_the_shop(client, container, shopify_shop, mailer, clock):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    deliver(container, shopify_shop, refund(lines="100.00", at=clock.now()))

    page = client.get(path).get_data(as_text=True)

    assert 'data-testid="review-message"' in page
    assert LINK in page


def test_review_points_follow_the_shop_setting(client, container, shopify_shop, mailer):
    from tests.support.outbox import configure

    configure(container, shopify_shop, review_points=0)
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    before = member_by_email(container, shopify_shop, FAN.email).balance

    client.post(path, data={"product": ["p-espresso"], "rating-p-espresso": "4"})

    assert member_by_email(container, shopify_shop, FAN.email).balance == before


def test_a_submission_without_any_rating_is_refused_and_stores_nothing(client, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    response = client.post(path, data={"product": ["p-espresso"], "text-p-espresso": "ohne Sterne"})

    assert response.status_code == 422
    assert _rows(container, ReviewSubmission) == []


def test_a_reviewed_order_gets_no_reminder(client, container, shopify_shop, mailer, clock):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    client.post(path, data={"product": ["p-kanne"], "rating-p-kanne": "5"})

    clock.advance(days=6)
    schedule_reviews(container)

    assert messages(container, shopify_shop, "review_reminder") == []


def test_an_expired_or_forged_link_shows_a_friendly_page(client, container, shopify_shop, mailer, clock):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    clock.advance(days=61)
    expired = client.get(path)
    forged = client.get(path[:-3] + "xyz")

    assert expired.status_code == 404
    assert "abgelaufen" in expired.get_data(as_text=True)
    assert forged.status_code == 404


@pytest.mark.parametrize(("locale", "address", "words"), [
    ("de", "du", ("Dieser Link ist abgelaufen", "Deine Bestellung bei Kaffeerösterei Müller", "Weiter zu")),
    ("de", "sie", ("Dieser Link ist abgelaufen", "Ihre Bestellung bei Kaffeerösterei Müller", "Weiter zu")),
    ("en", "du", ("This link has expired", "Your order from Kaffeerösterei Müller", "Visit Kaffeerösterei Müller")),
])
def test_an_expired_link_names_the_shop_in_its_address_form_and_links_to_it(  # type: ignore[no-untyped-def]
    client, container, shopify_shop, mailer, clock, locale, address, words
):
    configure(container, shopify_shop, german_address=address)
    path = request_review(container, shopify_shop, mailer, customer(accepts_marketing=True, locale=locale),
                          line_items=LINES)
    clock.advance(days=61)

    response = client.get(path)

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'data-testid="review-shop">Kaffeerösterei Müller</p>' in html
    assert [w for w in words if w not in html] == []
    assert 'href="https://kaffee-mueller.myshopify.com"' in html
    assert ("du" if address == "sie" else "Ihre") not in html.split("<body", 1)[1].split()


def test_an_expired_link_escapes_the_shops_name(client, container, shopify_shop, mailer, clock):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    with container.uow() as uow:
        uow.session.execute(update(Shop).where(Shop.id == shopify_shop.id).values(name="<i>Tee</i> & Co"))
        uow.commit()
    clock.advance(days=61)

    html = client.get(path).get_data(as_text=True)

    assert "&lt;i&gt;Tee&lt;/i&gt; &amp; Co" in html
    assert "<i>Tee</i>" not in html


def test_submitting_on_an_expired_link_names_the_shop_and_stores_nothing(client, container, shopify_shop, mailer,
                                                                        clock):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    clock.advance(days=61)

    response = client.post(path, data={"product": ["p-kanne"], "rating-p-kanne": "5"})

    assert response.status_code == 404
    assert "Kaffeerösterei Müller" in response.get_data(as_text=True)
    assert _rows(container, ReviewSubmission) == []


def test_an_order_whose_goods_were_all_refunded_can_no_longer_be_reviewed(
    client, container, shopify_shop, mailer, clock
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    deliver(container, shopify_shop, refund(lines="100.00", at=clock.now()))

    response = client.post(path, data={"product": ["p-kanne"], "rating-p-kanne": "5"})

    assert response.status_code == 409
    assert _rows(container, ReviewSubmission) == []


def test_the_page_speaks_english_to_an_english_shopper(client, container, shopify_shop, mailer):
    english = customer(ref="7010", email="pat@example.com", first_name="Pat", locale="en", accepts_marketing=True)
    path = request_review(container, shopify_shop, mailer, english, line_items=LINES)

    html = client.get(path).get_data(as_text=True)

    assert "How do you like your order #5001?" in html
    assert mailer.sent[-1]["Subject"].startswith("How do you")


def test_admin_sees_flagged_reviews_first_and_filters_by_rating(client, container, shopify_shop, mailer, clock):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    client.post(path, data={"product": ["p-espresso", "p-kanne"], "rating-p-espresso": "5", "rating-p-kanne": "1"})

    listed = client.get("/admin/api/reviews", headers=admin_headers(shopify_shop)).get_json()
    fives = client.get("/admin/api/reviews?rating=5", headers=admin_headers(shopify_shop)).get_json()
    member = member_by_email(container, shopify_shop, FAN.email)
    own = client.get(f"/admin/api/members/{member.id}/reviews", headers=admin_headers(shopify_shop)).get_json()

    assert [(r["rating"], r["flagged"]) for r in listed["items"]] == [(1, True), (5, False)]
    assert [r["product_key"] for r in fives["items"]] == ["p-espresso"]
    assert own["total"] == 2
    _ = timedelta


def test_a_submission_without_stars_shows_the_form_again_with_everything_the_shopper_sent_escaped(
    client, container, shopify_shop, mailer
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    hostile = '<script>x</script> & "q"'

    response = client.post(path, data={"product": ["p-espresso", "p-kanne"], "text-p-espresso": hostile,
                                       "text-p-kanne": "\nZweite Zeile", "recommend": "7"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="review-error"' in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &#34;q&#34;</textarea>" in html
    assert "<script>x</script>" not in html
    assert '>\n\nZweite Zeile</textarea>' in html  # the parser drops the first newline, keeping the shopper's own
    assert 'id="nps-7" name="recommend" value="7" checked>' in html
    assert html.count(" checked>") == 1
    assert _rows(container, ReviewSubmission) == []


def test_a_refused_submission_keeps_the_stars_given_and_the_no_answer_choice(client, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    response = client.post(path, data={"product": ["p-espresso", "p-kanne"], "rating-p-espresso": "9",
                                       "rating-p-kanne": "4", "recommend": ""})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="star-p-kanne-4" checked>' in html
    assert 'id="nps-skip" name="recommend" value="" checked>' in html
    assert "Keine Angabe" in html


def test_the_no_answer_choice_stores_no_recommendation(client, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    response = client.post(path, data={"product": ["p-kanne"], "rating-p-kanne": "5", "recommend": ""})

    assert response.status_code == 200
    assert [s.recommend_score for s in _rows(container, ReviewSubmission)] == [None]
