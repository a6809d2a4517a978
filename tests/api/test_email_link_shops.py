"""Email links name their shop by id and domain: a deleted shop's links do not act on the shop that gets its id
next (SQLite gives ids again), while links sent before the domain was added keep working."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from app.container import Container
from app.domain.snapshots import LineItem
from app.mail.base import RecordingMailer
from app.models import EmailUnsubscribe, Order, ReviewSubmission, Shop
from app.services.email_links import (
    REVIEW_SALT,
    UNSUBSCRIBE_SALT,
    ReviewLink,
    UnsubscribeLink,
    review_token,
    unsubscribe_token,
)
from app.services.privacy_data import delete_shop
from app.services.shops import NewShop, add_shop
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import dispatch, mailer_fixture, request_review  # noqa: F401
from tests.support.snapshots import customer, order

FAN = customer(accepts_marketing=True)
LINES = (LineItem("l1", "p-espresso", "Espresso Bohnen 1 kg", 2, Decimal("39.80")),)
RATING = {"product": ["p-espresso"], "rating-p-espresso": "5"}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _shop(container: Container, domain: str, name: str) -> Shop:
    new = NewShop("shopify", domain, name=name, access_token="shpat_test")
    return add_shop(container.uow(), container.box, new, container.clock.now())


def _successor(container: Container, old: Shop) -> Shop:
    """The old shop deleted, then a new shop added (on SQLite it gets the old one's id)."""
    with container.uow() as uow:
        delete_shop(uow.session, old.id)
        uow.commit()
    return _shop(container, "neuer-laden.myshopify.com", "Neuer Laden")


def _review_path(container: Container, shop: Shop, domain: str) -> str:
    """A review link for the shop's order as the shop with `domain` would have signed it."""
    member = member_by_email(container, shop, FAN.email)
    with container.uow() as uow:
        order_id = uow.session.scalars(select(Order.id).where(Order.shop_id == shop.id)).one()
    link = ReviewLink(shop.id, order_id, member.id, domain)
    return f"/reviews/{review_token(container.settings.secret_key, link, container.clock.now() + timedelta(days=60))}"


def _unsubscribe_path(mailer: RecordingMailer) -> str:
    footer = mailer.sent[-1].get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", footer).group(1)  # type: ignore[union-attr]


def _rows(container: Container, model: type) -> list[object]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(model)))


def _review_links_of_a_deleted_shop(container: Container, mailer) -> tuple[Shop, Shop, str, str]:  # type: ignore[no-untyped-def]
    """A review link sent by "Alter Laden", which is then deleted; "Neuer Laden" gets its id (SQLite) and an order
    of the same shopper. The sent link, and the same link as it reads once its ids are given again (so on SQLite,
    built so on PostgreSQL)."""
    old = _shop(container, "alter-laden.myshopify.com", "Alter Laden")
    sent = request_review(container, old, mailer, FAN, line_items=LINES)
    new = _successor(container, old)
    deliver(container, new, order(at=container.clock.now(), buyer=FAN, line_items=LINES))
    return old, new, sent, _review_path(container, new, old.domain)


def test_a_deleted_shops_review_link_does_not_open_or_review_the_order_of_the_shop_that_gets_its_id(
    client, container, mailer
):  # type: ignore[no-untyped-def]
    old, new, sent, rebuilt = _review_links_of_a_deleted_shop(container, mailer)

    answers = [client.get(sent), client.get(rebuilt), client.post(rebuilt, data=RATING)]
    own = client.get(_review_path(container, new, new.domain))

    if container.engine.dialect.name == "sqlite":
        assert new.id == old.id
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all("Neuer Laden" not in a.get_data(as_text=True) for a in answers)
    assert _rows(container, ReviewSubmission) == []
    assert (own.status_code, "Neuer Laden" in own.get_data(as_text=True)) == (200, True)


def test_an_expired_review_link_of_a_deleted_shop_does_not_name_the_shop_that_gets_its_id(
    client, container, mailer
):  # type: ignore[no-untyped-def]
    _, _, sent, rebuilt = _review_links_of_a_deleted_shop(container, mailer)
    container.clock.advance(days=61)  # type: ignore[attr-defined]

    answers = [client.get(sent), client.get(rebuilt)]

    assert [a.status_code for a in answers] == [404, 404]
    for answer in answers:
        html = answer.get_data(as_text=True)
        assert "Dieser Link ist abgelaufen oder ungültig." in html
        assert "Neuer Laden" not in html


def test_a_deleted_shops_unsubscribe_link_does_not_unsubscribe_from_the_shop_that_gets_its_id(
    client, container, mailer
):  # type: ignore[no-untyped-def]
    old = _shop(container, "alter-laden.myshopify.com", "Alter Laden")
    deliver(container, old, order(at=container.clock.now(), buyer=FAN))
    dispatch(container)
    sent = _unsubscribe_path(mailer)
    new = _successor(container, old)
    deliver(container, new, order(at=container.clock.now(), buyer=FAN))
    member = member_by_email(container, new, FAN.email)
    link = UnsubscribeLink(new.id, FAN.email, member.id, old.domain)
    rebuilt = f"/unsubscribe/{unsubscribe_token(container.settings.secret_key, link)}"

    answers = [client.get(sent), client.post(sent, data=ONE_CLICK), client.get(rebuilt), client.post(rebuilt)]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert all("Neuer Laden" not in a.get_data(as_text=True) for a in answers)
    assert _rows(container, EmailUnsubscribe) == []


def test_a_review_link_sent_before_links_named_the_domain_still_opens_and_reviews(
    client, container, shopify_shop, mailer
):  # type: ignore[no-untyped-def]
    request_review(container, shopify_shop, mailer, FAN, line_items=LINES)
    member = member_by_email(container, shopify_shop, FAN.email)
    with container.uow() as uow:
        order_id = uow.session.scalars(select(Order.id)).one()
    expires = int((container.clock.now() + timedelta(days=60)).timestamp())
    token = URLSafeSerializer(container.settings.secret_key, salt=REVIEW_SALT).dumps(
        [shopify_shop.id, order_id, member.id, expires])

    page = client.get(f"/reviews/{token}")
    submitted = client.post(f"/reviews/{token}", data=RATING)

    assert page.status_code == 200
    assert "Espresso Bohnen 1 kg" in page.get_data(as_text=True)
    assert submitted.status_code == 200
    assert len(_rows(container, ReviewSubmission)) == 1


def test_an_unsubscribe_link_sent_before_links_named_the_domain_still_unsubscribes(
    client, container, shopify_shop
):  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, order(at=container.clock.now(), buyer=FAN))
    member = member_by_email(container, shopify_shop, FAN.email)
    token = URLSafeSerializer(container.settings.secret_key, salt=UNSUBSCRIBE_SALT).dumps(
        [shopify_shop.id, FAN.email, member.id])

    page = client.get(f"/unsubscribe/{token}")
    done = client.post(f"/unsubscribe/{token}", data=ONE_CLICK)

    assert (page.status_code, done.status_code) == (200, 200)
    assert FAN.email in page.get_data(as_text=True)
    assert [row.email for row in _rows(container, EmailUnsubscribe)] == [FAN.email]  # type: ignore[attr-defined]
