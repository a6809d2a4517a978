"""A message campaign's texts: the body's placeholders are filled in the sent email (the HTML escapes the
merchant's text), and faulty placeholders are refused at the preview and the start, as email settings are."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.errors import InvalidInput
from app.models import Campaign, Member
from app.services.campaigns import create_campaign, preview_message, run_campaigns
from tests.support.analytics_data import worked_example
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401

ALICE_ONLY = {"kind": "filter", "min_orders": 3}  # alice is the worked example's only member with 3 paid orders
BODY = "Hallo {first_name}, dein Punktestand: {balance} Punkte bei {shop}.\n\n<b>Kaffee & Kuchen</b>"


def start(container, shop, params: dict) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return create_campaign(container.uow(), shop.id, name="Winter", segment=ALICE_ONLY, action="message",
                           params=params, actor="test", now=container.clock.now())


def campaign_count(container) -> int:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Campaign)) or 0)


def test_the_body_placeholders_are_filled_in_both_parts_and_the_html_escapes_the_merchants_text(  # type: ignore[no-untyped-def]
    container, shopify_shop, mailer
) -> None:
    ids = worked_example(container, shopify_shop)
    start(container, shopify_shop, {"subject": "Neues für {first_name}", "body": BODY})
    run_campaigns(container.uow, container.clock.now())
    with container.uow() as uow:  # the balance the email shows is the member's when it is sent
        uow.session.get(Member, ids["alice"]).balance = 1234
        uow.commit()

    dispatch(container)

    [sent] = mailer.sent
    shop = shopify_shop.name or shopify_shop.domain
    plain = sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert str(sent["Subject"]) == "Neues für Alice"
    assert f"Hallo Alice, dein Punktestand: 1234 Punkte bei {shop}." in plain
    assert "<b>Kaffee & Kuchen</b>" in plain
    assert f"<p>Hallo Alice, dein Punktestand: 1234 Punkte bei {shop}.</p>" in html
    assert "<p>&lt;b&gt;Kaffee &amp; Kuchen&lt;/b&gt;</p>" in html
    assert "{" not in plain
    assert "{" not in html.split("<body", 1)[-1]


@pytest.mark.parametrize(("field", "params", "problem"), [
    ("subject", {"subject": "Dein Code {code}", "body": "Neu!"},
     "This email has no {code}. Allowed: {first_name}, {shop}, {balance}."),
    ("subject", {"subject": "Für {name}", "body": "Neu!"},
     "Unknown placeholder {name}. Allowed: {first_name}, {shop}, {balance}."),
    ("body", {"subject": "Neu", "body": "Hallo {first_name, schön"},
     "The placeholder {first_name is not closed with a }. Allowed: {first_name}, {shop}, {balance}."),
])
def test_a_start_with_faulty_placeholders_is_refused_at_the_field_and_creates_nothing(  # type: ignore[no-untyped-def]
    container, shopify_shop, field: str, params: dict, problem: str  # type: ignore[type-arg]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        start(container, shopify_shop, params)

    assert refused.value.errors == {field: [problem]}
    assert campaign_count(container) == 0


def test_the_preview_refuses_faulty_placeholders_as_the_start_does(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        preview_message(container.uow(), shopify_shop.id, subject="{code}", body="Hallo {first_name}}", locale="de",
                        now=container.clock.now())

    assert set(refused.value.errors) == {"subject", "body"}


def test_the_preview_shows_the_email_a_sample_member_receives_in_the_language_asked(  # type: ignore[no-untyped-def]
    container, shopify_shop
) -> None:
    _, email = preview_message(container.uow(), shopify_shop.id, subject="Neu für {first_name}",
                               body="Stand: {balance}\n\n<i>bald</i>", locale="de", now=container.clock.now())

    assert email.subject == "Neu für Jürgen"
    assert "Hallo Jürgen," in email.text
    assert "Stand: 320" in email.text
    assert "<p>&lt;i&gt;bald&lt;/i&gt;</p>" in email.html
    assert "Hello Alex," in preview_message(container.uow(), shopify_shop.id, subject={"en": "New"},
                                            body={"en": "x"}, locale="en", now=container.clock.now())[1].text
