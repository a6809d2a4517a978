"""The storefront API behind the App Proxy: signatures, the customer JSON, ETags, actions, limits, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.models import ConsentPush, Shop
from app.platforms.shopify.admin import ShopifyAdminClient
from app.services import earning_events, referrals
from app.services.shops import NewShop, add_shop
from tests.conftest import TEST_SHOPIFY_SECRET, TEST_WOO_SECRET
from tests.fakes.shopify_server import FakeShopify
from tests.support.apps import own_app
from tests.support.deliveries import deliver, member_by_email
from tests.support.rewards import RecordingPlatform, add_reward, no_sleep, shop_for
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url

BUYER = customer("7001", "juergen.weiss@example.de")


def shopify_client(fake: FakeShopify) -> ShopifyAdminClient:
    """The real client against the fake, with the default timeouts (the fake may be slow on a busy machine)."""
    return ShopifyAdminClient(api_base=fake.url, sleep=no_sleep, max_wait=0)


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, fake_shopify: FakeShopify) -> Iterator[Flask]:
    clients = {
        "shopify": shopify_client(fake_shopify),
        "woocommerce": RecordingPlatform(),
    }
    with own_app(settings_overrides, clock, platform_clients=clients) as application:
        yield application


@pytest.fixture
def shop(container: Container, fake_shopify: FakeShopify) -> Shop:
    return shop_for(container, "shopify", fake_shopify)


def url(shop: Shop, clock: FixedClock, path: str, customer_ref: str | None = "7001", **extra: str) -> str:
    return proxy_url(path, shop.domain, TEST_SHOPIFY_SECRET, clock.now(), customer_ref, **extra)


def with_points(container: Container, shop: Shop, clock: FixedClock, amount: str = "700.00") -> None:
    deliver(container, shop, order("5001", at=clock.now(), merchandise=amount, shipping="0.00", buyer=BUYER))


def test_a_guest_sees_how_the_program_works(client: FlaskClient, shop: Shop, container, clock) -> None:
    add_reward(container, shop, points_cost=500)

    response = client.get(url(shop, clock, "customer", customer_ref=None))

    body = response.get_json()
    assert response.status_code == 200
    assert response.headers["ETag"]
    assert body["member"] is None
    assert body["tier"] is None
    assert body["shop"] == {"name": "Kaffeerösterei Müller", "currency": "EUR", "locale": "de"}
    assert body["program"]["ways_to_earn"][0] == {"key": "order", "label": "1 Punkt pro 1,00\u00a0€"}
    assert body["program"]["signup_url"] == "/account/register"
    assert body["rewards"][0]["affordable"] is False
    assert (body["history"], body["expiring"]) == ([], [])


def test_a_member_sees_balance_referral_link_rewards_and_readable_history(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    with_points(container, shop, clock)
    add_reward(container, shop, points_cost=500)
    add_reward(container, shop, points_cost=900, value="10.00")
    earning_events.save_settings(
        container.uow(), shop.id, earning_events.EarningConfig(birthday_points=200), clock.now()
    )

    body = client.get(url(shop, clock, "customer"), headers={"X-Forwarded-Host": "kaffee.example"}).get_json()

    member = body["member"]
    assert (member["first_name"], member["balance"], member["pending"], member["spendable"]) == ("Jürgen", 700, 0, 700)
    assert member["referral_code"].startswith("JUERGEN-")
    assert member["referral_url"] == f"https://kaffee.example/apps/loyalty/r/{member['referral_code']}"
    assert [r["affordable"] for r in body["rewards"]] == [True, False]
    assert body["history"] == [{"at": "2026-03-02T09:00:00Z", "delta": 700, "label": "Bestellung #5001"}]
    assert {"key": "birthday", "label": "Geburtstag", "points": 200} in body["program"]["ways_to_earn"]


def test_the_history_is_newest_first_by_when_it_happened_also_for_an_order_delivered_late(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    with_points(container, shop, clock, amount="100.00")
    deliver(container, shop, order("4999", at=clock.now() - timedelta(days=40), merchandise="30.00", shipping="0.00",
                                   buyer=BUYER))

    body = client.get(url(shop, clock, "customer")).get_json()

    assert [(h["label"], h["delta"]) for h in body["history"]] == [("Bestellung #5001", 100),
                                                                    ("Bestellung #4999", 30)]


def test_a_shop_rewarding_referrers_with_a_coupon_says_what_the_coupon_gives(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    coupon = referrals.ReferralConfig(referrer_reward="coupon", referrer_coupon_value=Decimal("10.00"))
    referrals.save_settings(container.uow(), shop.id, coupon, clock.now())

    ways = client.get(url(shop, clock, "customer", customer_ref=None)).get_json()["program"]["ways_to_earn"]
    english = client.get(url(shop, clock, "customer", customer_ref=None, locale="en")).get_json()

    assert {"key": "referral", "label": "Freunde werben", "reward": "10,00\u00a0€ Rabatt"} in ways
    assert [w for w in ways if w["key"] == "referral" and "points" in w] == []
    assert {"key": "referral", "label": "Refer a friend", "reward": "€10.00 off"} in english["program"]["ways_to_earn"]


def test_the_locale_parameter_picks_the_language_of_the_labels(client, shop, container, clock) -> None:
    with_points(container, shop, clock)

    body = client.get(url(shop, clock, "customer", locale="en")).get_json()

    assert body["history"][0]["label"] == "Order #5001"


def test_a_logged_in_shopper_without_a_member_row_becomes_a_member(client, shop, clock) -> None:
    body = client.get(url(shop, clock, "customer", customer_ref="8123")).get_json()

    assert body["member"]["balance"] == 0
    assert body["member"]["referral_code"].startswith("FREUND-")


def test_an_unchanged_picture_is_answered_304_and_a_change_gives_a_new_etag(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    with_points(container, shop, clock)
    first = client.get(url(shop, clock, "customer"))

    again = client.get(url(shop, clock, "customer"), headers={"If-None-Match": first.headers["ETag"]})
    deliver(container, shop, order("5002", at=clock.now(), merchandise="10.00", shipping="0.00", buyer=BUYER))
    changed = client.get(url(shop, clock, "customer"), headers={"If-None-Match": first.headers["ETag"]})

    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", first.headers["ETag"])
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_json()["member"]["balance"] == 710


def test_a_tampered_request_is_refused(client: FlaskClient, shop: Shop, clock: FixedClock) -> None:
    tampered = url(shop, clock, "customer").replace("logged_in_customer_id=7001", "logged_in_customer_id=7002")

    response = client.get(tampered)

    assert response.status_code == 401
    assert response.get_json()["reason"] == "invalid_signature"


def test_a_shop_that_does_not_use_the_app_gets_the_answer_a_wrong_signature_gets(
    client: FlaskClient, shop: Shop, clock: FixedClock
) -> None:
    stranger = proxy_url("customer", "not-installed.myshopify.com", TEST_SHOPIFY_SECRET, clock.now(), "7001")
    tampered = url(shop, clock, "customer").replace("logged_in_customer_id=7001", "logged_in_customer_id=7002")

    answers = [client.get(stranger).get_json(), client.get(tampered).get_json()]

    assert answers[0] == answers[1]  # which shops use the app is nobody's business
    assert answers[0]["reason"] == "invalid_signature"


def test_an_expired_timestamp_is_refused(client: FlaskClient, shop: Shop, clock: FixedClock) -> None:
    old, english = url(shop, clock, "customer"), url(shop, clock, "customer", locale="en")
    clock.advance(seconds=91)

    assert client.get(old).status_code == 401
    german = client.get(old, headers={"Accept-Language": "de"})
    assert german.get_json()["message"] == "Die Anfrage ist zu alt (oder aus der Zukunft)."
    assert client.get(english).get_json()["message"] == "The request is too old (or dated in the future)."


def test_an_unsigned_request_is_refused(client: FlaskClient, shop: Shop) -> None:
    assert client.get(f"/proxy/customer?shop={shop.domain}&logged_in_customer_id=7001").status_code == 401


def test_a_woocommerce_shop_signs_with_its_own_webhook_secret(client, woo_shop: Shop, clock) -> None:
    good = proxy_url("customer", woo_shop.domain, TEST_WOO_SECRET, clock.now(), "12")
    with_app_secret = proxy_url("customer", woo_shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "12")

    assert client.get(good).status_code == 200
    assert client.get(with_app_secret).status_code == 401


def test_another_shops_secret_cannot_speak_for_a_shop(client, shop, woo_shop: Shop, container, clock) -> None:
    from app.services.shops import NewShop, add_shop

    other = add_shop(
        container.uow(),
        container.box,
        NewShop(
            "woocommerce", "https://other.example", webhook_secret="other-secret", consumer_key="k", consumer_secret="s"
        ),
        clock.now(),
    )

    forged = proxy_url("customer", woo_shop.domain, "other-secret", clock.now(), "12")

    assert other.id != woo_shop.id
    assert client.get(forged).status_code == 401


def test_redeeming_returns_a_code_pushed_to_the_shop(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock, fake_shopify: FakeShopify
) -> None:
    with_points(container, shop, clock)
    reward = add_reward(container, shop, points_cost=500)

    response = client.post(url(shop, clock, "redeem"), json={"reward_id": reward.id})

    body = response.get_json()
    assert response.status_code == 201, body
    assert (body["status"], body["balance"], body["reward"]) == (
        "active",
        200,
        {"id": reward.id, "name": "5,00\u00a0€ Rabatt"},
    )
    assert body["code"] in fake_shopify.discounts
    assert body["ends_at"] == (clock.now() + timedelta(days=30)).isoformat().replace("+00:00", "Z")


def test_a_shop_not_connected_to_its_platform_tells_the_shopper_only_that_rewards_cannot_be_redeemed_now(
    client, container, clock
) -> None:
    unconnected = add_shop(container.uow(), container.box, NewShop("shopify", "ohne-token.myshopify.com"), clock.now())
    with_points(container, unconnected, clock)
    reward = add_reward(container, unconnected, points_cost=500)

    german = client.post(url(unconnected, clock, "redeem", locale="de"), json={"reward_id": reward.id})
    english = client.post(url(unconnected, clock, "redeem", locale="en"), json={"reward_id": reward.id})

    assert (german.status_code, german.get_json()["reason"]) == (422, "reward_unavailable")
    assert german.get_json()["message"] == (
        "In diesem Shop können gerade keine Prämien eingelöst werden. Bitte später erneut versuchen."
    )
    assert english.get_json()["message"] == "Rewards cannot be redeemed in this shop right now. Please try again later."
    assert member_by_email(container, unconnected, BUYER.email or "").balance == 700  # nothing spent


def test_redeeming_without_enough_points_is_a_conflict(client, shop, container, clock) -> None:
    with_points(container, shop, clock, amount="100.00")
    reward = add_reward(container, shop, points_cost=500)

    response = client.post(url(shop, clock, "redeem"), json={"reward_id": reward.id})

    assert (response.status_code, response.get_json()["reason"]) == (409, "insufficient_points")


def test_an_error_is_in_the_language_the_widget_asked_for_with_its_locale_parameter(
    client, shop, container, clock
) -> None:
    reward = add_reward(container, shop, points_cost=500)

    german = client.post(url(shop, clock, "redeem", locale="de"), json={"reward_id": reward.id})
    english = client.post(url(shop, clock, "redeem", locale="en"), json={"reward_id": reward.id},
                          headers={"Accept-Language": "de"})

    assert german.get_json()["message"] == "Nicht genug Punkte."
    assert english.get_json()["message"] == "Not enough points."


def test_an_error_for_a_shopper_who_asks_for_no_language_is_in_the_shops_language(
    client, shop, container, clock
) -> None:
    reward = add_reward(container, shop, points_cost=500)

    response = client.post(url(shop, clock, "redeem"), json={"reward_id": reward.id})

    assert shop.locale == "de"
    assert response.get_json()["message"] == "Nicht genug Punkte."


def test_a_guest_cannot_redeem(client, shop, container, clock) -> None:
    reward = add_reward(container, shop, points_cost=500)

    response = client.post(url(shop, clock, "redeem", customer_ref=None), json={"reward_id": reward.id})

    assert (response.status_code, response.get_json()["reason"]) == (401, "login_required")


def test_a_reward_of_another_shop_cannot_be_redeemed(client, shop, woo_shop, container, clock) -> None:
    with_points(container, shop, clock)
    foreign = add_reward(container, woo_shop, points_cost=10)

    response = client.post(url(shop, clock, "redeem"), json={"reward_id": foreign.id})

    assert response.status_code in (404, 422)
    assert member_by_email(container, shop, BUYER.email or "").balance == 700


def test_a_malformed_redeem_body_is_a_validation_error(client, shop, clock) -> None:
    response = client.post(url(shop, clock, "redeem"), json={"reward_id": "one"})

    assert response.status_code == 422
    assert "reward_id" in response.get_json()["errors"]


def test_the_birthday_is_stored_once_and_then_locked_for_a_year(client, shop, container, clock) -> None:
    with_points(container, shop, clock)

    first = client.post(url(shop, clock, "birthday"), json={"birthday": "1990-05-01"})
    second = client.post(url(shop, clock, "birthday"), json={"birthday": "1991-05-01"})

    assert first.status_code == 200
    assert first.get_json()["member"]["birthday"] == "1990-05-01"
    assert (second.status_code, second.get_json()["reason"]) == (409, "birthday_locked")


def test_the_newsletter_opt_in_earns_points_once(client, shop, container, clock) -> None:
    earning_events.save_settings(
        container.uow(), shop.id, earning_events.EarningConfig(newsletter_points=50), clock.now()
    )
    with_points(container, shop, clock, amount="10.00")

    bodies = [client.post(url(shop, clock, "newsletter")).get_json() for _ in range(2)]

    assert [b["member"]["balance"] for b in bodies] == [60, 60]
    assert bodies[0]["member"]["newsletter"] is True
    with container.uow() as uow:  # and the shop's own list is to get it (once)
        assert [p.status for p in uow.session.scalars(select(ConsentPush))] == ["pending"]


def test_too_many_actions_from_one_shopper_are_answered_429_with_retry_after(client, shop, container, clock) -> None:
    with_points(container, shop, clock)

    statuses = [client.post(url(shop, clock, "newsletter")).status_code for _ in range(5)]
    limited = client.post(url(shop, clock, "newsletter"))

    assert statuses == [200] * 5
    assert (limited.status_code, limited.get_json()["reason"], limited.headers["Retry-After"]) == (
        429,
        "rate_limited",
        "10",
    )
    clock.advance(seconds=10)
    assert client.post(url(shop, clock, "newsletter")).status_code == 200


def test_the_proxy_answers_no_cross_origin_reads(client: FlaskClient, shop: Shop, clock: FixedClock) -> None:
    response = client.get(url(shop, clock, "customer"), headers={"Origin": "https://evil.example"})
    preflight = client.options(
        "/proxy/customer", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_the_widget_script_is_served_as_cacheable_javascript_with_an_etag(client: FlaskClient) -> None:
    response = client.get("/widget.js")
    again = client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]})

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age=300" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"data-proxy" in response.data
    assert again.status_code == 304


def test_an_anonymous_visitor_of_a_referral_link_is_asked_for_an_email_with_the_name_escaped(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    deliver(container, shop, customer("7001", "juergen.weiss@example.de", first_name="<b>Jürgen</b>"))
    code = client.get(url(shop, clock, "customer")).get_json()["member"]["referral_code"]

    page = client.get(url(shop, clock, f"r/{code}", customer_ref=None))
    sent = client.post(url(shop, clock, f"r/{code}", customer_ref=None), data={"email": "Anna@Example.de"})

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert "&lt;b&gt;Jürgen&lt;/b&gt;" in html
    assert "<b>Jürgen" not in html
    assert f'action="/apps/loyalty/r/{code}"' in html
    assert 'data-testid="referral-thanks"' in sent.get_data(as_text=True)
    with container.uow() as uow:
        from sqlalchemy import select

        from app.models import Referral, ReferralCode

        assert uow.session.scalars(select(Referral.friend_key)).all() == ["e:anna@example.de"]
        assert uow.session.scalars(select(ReferralCode.clicks).where(ReferralCode.code == code)).one() == 1


def test_a_mistyped_address_on_the_referral_landing_page_is_asked_again_and_a_good_one_is_repeated_in_the_thanks(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    deliver(container, shop, customer("7001", "juergen.weiss@example.de"))
    code = client.get(url(shop, clock, "customer")).get_json()["member"]["referral_code"]

    typo = client.post(url(shop, clock, f"r/{code}", customer_ref=None), data={"email": "anna@example"})
    sent = client.post(url(shop, clock, f"r/{code}", customer_ref=None), data={"email": "anna@example.de"})

    html = typo.get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="email-error"' in html
    assert '<p class="error" id="email-error" role="alert" data-testid="referral-bad-email">' in html
    assert 'value="anna@example"' in html  # kept for correcting
    assert ("Danke! Bestelle mit anna@example.de, dann kommt dein Willkommensgutschein nach der ersten Bestellung."
            in sent.get_data(as_text=True))
    with container.uow() as uow:
        from sqlalchemy import select

        from app.models import Referral

        assert uow.session.scalars(select(Referral.friend_key)).all() == ["e:anna@example.de"]


def test_the_referral_landing_page_says_what_the_welcome_coupon_gives(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    from app.services.referrals import ReferralConfig, save_settings

    save_settings(container.uow(), shop.id, ReferralConfig(friend_coupon_value=Decimal("7.50"),
                                                           friend_coupon_minimum=Decimal("30.00")), clock.now())
    deliver(container, shop, customer("7001", "juergen.weiss@example.de"))
    code = client.get(url(shop, clock, "customer")).get_json()["member"]["referral_code"]

    def page(locale: str) -> str:
        html = client.get(url(shop, clock, f"r/{code}", customer_ref=None, locale=locale)).get_data(as_text=True)
        return " ".join(html.replace("\xa0", " ").split())  # money is formatted with a no-break space

    german, english = page("de"), page("en")

    assert "Dein Willkommensgutschein: 7,50 € Rabatt ab 30,00 € Bestellwert" in german
    assert "Your welcome coupon: €7.50 off on orders from €30.00" in english


def test_a_logged_in_friend_following_a_referral_link_is_recorded_and_sent_to_the_shop(
    client: FlaskClient, shop: Shop, container: Container, clock: FixedClock
) -> None:
    deliver(container, shop, BUYER)
    code = client.get(url(shop, clock, "customer")).get_json()["member"]["referral_code"]

    response = client.get(url(shop, clock, f"r/{code}", customer_ref="7555"))

    assert (response.status_code, response.headers["Location"]) == (302, "/")
    friend = referrals.record_referral(container.uow(), shop.id, code, clock.now(), customer_ref="7555")
    assert friend.source == "link"


def test_an_unknown_referral_code_shows_an_invalid_link_page(client: FlaskClient, shop: Shop, clock) -> None:
    response = client.get(url(shop, clock, "r/NOPE-2222", customer_ref=None))

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'data-testid="referral-invalid"' in page
    assert "eingeladen" not in page.split("<main>", 1)[1]  # no invitation heading above "not valid"
