"""A campaign written in German and English reaches each member in their language, the whole email (greeting
and footer too) in the language of the texts it carries; a coupon campaign's coupons are titled for shoppers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.errors import InvalidInput
from app.models import Campaign, Coupon, Member
from app.services.campaign_params import HALF_WRITTEN
from app.services.campaigns import create_campaign, preview_message, run_campaigns
from tests.support.analytics_data import worked_example
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401

EVERYONE = {"kind": "all"}
BOTH = {"subject": {"de": "Neue Sorten für {first_name}", "en": "New coffees for {first_name}"},
        "body": {"de": "Dein Stand: {balance} Punkte.", "en": "Your balance: {balance} points."}}


def start(container, shop, action: str, params: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return create_campaign(container.uow(), shop.id, name="Winter intern", segment=EVERYONE, action=action,
                           params=params, actor="test", now=container.clock.now())


def speaking(container, ids: dict[str, int], locales: dict[str, str | None]) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        for name, locale in locales.items():
            uow.session.get(Member, ids[name]).locale = locale
        uow.commit()


def sent_to(mailer) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {str(message["To"]).split("@")[0]: message for message in mailer.sent}


def campaigns(container) -> int:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Campaign)) or 0)


def test_each_member_receives_the_texts_of_their_language_with_greeting_and_footer_in_it(  # type: ignore[no-untyped-def]
    container, shopify_shop, mailer
) -> None:
    ids = worked_example(container, shopify_shop)
    speaking(container, ids, {"alice": "en", "bob": "de", "carol": "fr", "dave": None})

    start(container, shopify_shop, "message", BOTH)
    run_campaigns(container.uow, container.clock.now())
    dispatch(container)

    mails = sent_to(mailer)
    english = mails["alice"].get_body(("plain",)).get_content()
    assert str(mails["alice"]["Subject"]) == "New coffees for Alice"
    assert "Hello Alice," in english
    assert "Your balance:" in english
    for german in ("bob", "carol", "dave"):  # French and unknown readers get the shop's language (German)
        text = mails[german].get_body(("plain",)).get_content()
        assert str(mails[german]["Subject"]).startswith("Neue Sorten für")
        assert "Dein Stand:" in text
        assert "Hallo " in text
        assert "Hello" not in text


@pytest.mark.parametrize("params", [
    {"subject": "Neue Sorten", "body": "Frisch geröstet."},  # one text: the shop's language
    {"subject": {"de": "Neue Sorten"}, "body": {"de": "Frisch geröstet."}},
])
def test_a_message_in_german_only_reaches_an_english_member_wholly_in_german(  # type: ignore[no-untyped-def]
    container, shopify_shop, mailer, params: dict[str, Any]
) -> None:
    ids = worked_example(container, shopify_shop)
    speaking(container, ids, {"alice": "en"})

    start(container, shopify_shop, "message", params)
    run_campaigns(container.uow, container.clock.now())
    dispatch(container)

    text = sent_to(mailer)["alice"].get_body(("plain",)).get_content()
    assert "Hallo Alice," in text
    assert "Frisch geröstet." in text
    assert "Hello" not in text
    assert "You receive" not in text


def test_half_a_language_is_refused_at_the_missing_field_and_creates_nothing(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        start(container, shopify_shop, "message",
              {"subject": {"de": "Neu", "en": "New"}, "body": {"de": "Frisch geröstet.", "en": "  "}})

    assert refused.value.errors == {"body": {"en": [HALF_WRITTEN]}}
    assert campaigns(container) == 0


@pytest.mark.parametrize(("params", "errors"), [
    ({"subject": {"en": "Code {code}"}, "body": {"en": "x"}},
     {"subject": {"en": ["This email has no {code}. Allowed: {first_name}, {shop}, {balance}."]}}),
    ({"subject": {"de": "", "en": ""}, "body": {}},
     {"subject": {"de": ["required"], "en": ["required"]}, "body": {"de": ["required"], "en": ["required"]}}),
    ({"subject": {"fr": "Nouveau"}, "body": {"fr": "x"}}, {"subject": {"fr": ["one of de, en"]}}),
    ({"subject": ["Neu"], "body": "x"}, {"subject": ['A text, or one text per language: {"de": …, "en": …}.']}),
    ({"subject": {"de": 5}, "body": "x"}, {"subject": ['A text, or one text per language: {"de": …, "en": …}.']}),
])
def test_faulty_texts_are_refused_per_field_and_language(  # type: ignore[no-untyped-def]
    container, shopify_shop, params: dict[str, Any], errors: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        start(container, shopify_shop, "message", params)

    assert refused.value.errors == errors
    assert campaigns(container) == 0


def test_the_preview_for_a_language_without_texts_shows_the_version_those_members_receive(  # type: ignore[no-untyped-def]
    container, shopify_shop
) -> None:
    written_in, email = preview_message(container.uow(), shopify_shop.id, subject={"de": "Neu", "en": ""},
                                        body={"de": "Frisch.", "en": ""}, locale="en", now=container.clock.now())

    assert written_in == "de"
    assert "Hallo Jürgen," in email.text


def test_a_coupon_campaign_titles_its_coupons_for_shoppers_not_with_the_campaigns_name(  # type: ignore[no-untyped-def]
    container, shopify_shop
) -> None:
    ids = worked_example(container, shopify_shop)
    speaking(container, ids, {"alice": "en", "bob": "de"})
    start(container, shopify_shop, "coupon", {"kind": "percentage", "value": "10", "validity_days": 30,
                                              "title": {"de": "Winterrabatt", "en": "Winter discount"}})
    start(container, shopify_shop, "coupon", {"kind": "percentage", "value": "15", "validity_days": 30})

    run_campaigns(container.uow, container.clock.now())

    with container.uow() as uow:
        titles = {(c.member_id, str(c.value)): c.title for c in uow.session.scalars(
            select(Coupon).where(Coupon.source == "campaign"))}
    assert titles[(ids["alice"], "10.00")] == "Winter discount"
    assert titles[(ids["bob"], "10.00")] == "Winterrabatt"
    assert titles[(ids["alice"], "15.00")] == "15% off"
    assert titles[(ids["bob"], "15.00")] == "15\u00a0% Rabatt"
    assert "Winter intern" not in titles.values()


def test_the_cli_queues_a_message_in_the_shops_language_and_in_english(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    from app.services.campaigns import list_campaigns
    from tests.support.cli import run_cli

    worked_example(container, shopify_shop)
    created = run_cli(container, "campaigns", "create", shopify_shop.domain, "--segment", "all", "--subject", "Neu",
                      "--body", "Frisch geröstet.", "--subject-en", "New", "--body-en", "Freshly roasted.")

    assert created.exit_code == 0, created.output
    [campaign] = list_campaigns(container.uow(), shopify_shop.id)
    assert campaign["params"] == {"subject": {"de": "Neu", "en": "New"},
                                  "body": {"de": "Frisch geröstet.", "en": "Freshly roasted."}}
