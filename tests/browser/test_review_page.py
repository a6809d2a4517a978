"""The review page in headless Chromium on a phone: rate products, write, recommend, submit, see thanks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.snapshots import LineItem
from app.models import Review, ReviewSubmission
from tests.support.outbox import mailer_fixture, request_review  # noqa: F401
from tests.support.snapshots import customer

pytestmark = pytest.mark.browser

FAN = customer(accepts_marketing=True)
LINES = (
    LineItem("l1", "p-espresso", "Espresso Bohnen 1 kg", 2, Decimal("39.80")),
    LineItem("l2", "p-kanne", "Milchkännchen", 1, Decimal("14.90")),
)


def test_a_shopper_rates_two_products_on_a_phone_and_sees_thanks(
    live_url, page, screenshot, container, shopify_shop, mailer
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(live_url + path)
    assert page.locator('[data-testid="review-product"]').count() == 2
    page.click('[data-testid="star-label-p-espresso-5"]')
    page.fill('[data-testid="text-p-espresso"]', "Kräftig, schokoladig – <b>super</b>")
    page.click('[data-testid="star-label-p-kanne-2"]')
    page.click('[data-testid="nps-9"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    screenshot("filled")
    page.click('[data-testid="review-submit"]')

    page.wait_for_selector('[data-testid="review-thanks"]')
    assert "Vielen Dank für deine Bewertung!" in page.inner_text('[data-testid="review-thanks"]')
    assert "50 Punkte" in page.inner_text('[data-testid="review-points-awarded"]')
    screenshot("thanks")
    with container.uow() as uow:
        reviews = list(uow.session.scalars(select(Review).order_by(Review.product_key)))
        submission = uow.session.scalars(select(ReviewSubmission)).one()
    assert [(r.product_key, r.rating, r.flagged) for r in reviews] == [("p-espresso", 5, False), ("p-kanne", 2, True)]
    assert reviews[0].body == "Kräftig, schokoladig – <b>super</b>"
    assert submission.recommend_score == 9


def test_submitting_without_stars_asks_for_a_rating(live_url, page, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    page.goto(live_url + path)
    page.click('[data-testid="review-submit"]')

    assert page.is_visible('[data-testid="review-error"]')


def test_after_submitting_without_stars_the_text_and_recommendation_are_still_there_and_adding_stars_succeeds(
    live_url, page, container, shopify_shop, mailer
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    page.goto(live_url + path)
    page.fill('[data-testid="text-p-espresso"]', "Mein Text ohne Sterne")
    page.click('[data-testid="nps-7"]')
    page.click('[data-testid="review-submit"]')

    page.wait_for_selector('[data-testid="review-error"]')
    assert page.input_value('[data-testid="text-p-espresso"]') == "Mein Text ohne Sterne"
    assert page.input_value('[data-testid="text-p-kanne"]') == ""
    assert page.is_checked("#nps-7")
    page.click('[data-testid="star-label-p-espresso-4"]')
    page.click('[data-testid="review-submit"]')

    page.wait_for_selector('[data-testid="review-thanks"]')
    with container.uow() as uow:
        review = uow.session.scalars(select(Review)).one()
        submission = uow.session.scalars(select(ReviewSubmission)).one()
    assert (review.product_key, review.rating, review.body) == ("p-espresso", 4, "Mein Text ohne Sterne")
    assert submission.recommend_score == 7


def test_a_recommendation_once_picked_can_be_cleared_with_no_answer(live_url, page, container, shopify_shop, mailer):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)

    page.goto(live_url + path)
    page.click('[data-testid="star-label-p-kanne-5"]')
    page.click('[data-testid="nps-3"]')
    page.click('[data-testid="nps-skip"]')
    assert page.inner_text('[data-testid="nps-skip"]') == "Keine Angabe"
    assert not page.is_checked("#nps-3")
    page.click('[data-testid="review-submit"]')

    page.wait_for_selector('[data-testid="review-thanks"]')
    with container.uow() as uow:
        submission = uow.session.scalars(select(ReviewSubmission)).one()
    assert submission.recommend_score is None


def test_an_expired_link_on_a_phone_names_the_shop_and_leads_to_it(
    live_url, page, screenshot, container, shopify_shop, mailer, clock
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    clock.advance(days=61)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(live_url + path)

    assert page.inner_text('[data-testid="review-shop"]') == "Kaffeerösterei Müller"
    assert page.inner_text('[data-testid="review-expired"] h1') == "Dieser Link ist abgelaufen"
    link = page.locator('[data-testid="review-shop-link"]')
    assert (link.inner_text(), link.get_attribute("href")) == (
        "Weiter zu Kaffeerösterei Müller", "https://kaffee-mueller.myshopify.com")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("expired")


def _stars_lit(page, product: str) -> list[int]:  # type: ignore[no-untyped-def]
    amber = "rgb(245, 158, 11)"
    return [n for n in range(1, 6) if page.locator(f'[data-testid="star-label-{product}-{n}"]').evaluate(
        "e => getComputedStyle(e).color") == amber]


def test_with_the_keyboard_the_right_arrow_gives_one_star_more_and_the_stars_stand_one_to_five(
    live_url, page, container, shopify_shop, mailer
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    page.goto(live_url + path)
    labels = page.locator('[data-testid="review-product"]').first.locator("label[data-testid^=star-label]")
    xs = [box["x"] for box in (labels.nth(i).bounding_box() for i in range(5))]
    assert xs == sorted(xs)  # the first star (one of five) on the left

    page.focus('[data-testid="star-p-espresso-2"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")

    assert page.is_checked('[data-testid="star-p-espresso-4"]')
    assert _stars_lit(page, "p-espresso") == [1, 2, 3, 4]
    page.keyboard.press("ArrowLeft")
    assert _stars_lit(page, "p-espresso") == [1, 2, 3]


def test_the_recommendation_question_names_its_choices_and_the_focused_choice_is_outlined(
    live_url, page, container, shopify_shop, mailer
):
    path = request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    page.goto(live_url + path)

    group = page.get_by_role("radiogroup", name="Wie wahrscheinlich ist es, dass du uns weiterempfiehlst?", exact=False)
    assert group.get_by_role("radio").count() == 12
    page.locator('[data-testid="text-p-kanne"]').focus()
    page.keyboard.press("Tab")  # into the recommendation: its first choice takes focus, nothing is chosen yet

    assert page.evaluate("document.activeElement.id") == "nps-0"
    outline = page.locator('[data-testid="nps-0"]').evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
