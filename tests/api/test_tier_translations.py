"""Tier names and perks in the other language: saved and read through the admin API (older clients too), shown
in the reader's language in the widget JSON, the tier-upgrade email, the admin's member tier and member list."""

from __future__ import annotations

from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from app.cli import Context, build_cli
from app.clock import FixedClock
from app.container import Container
from app.mail.base import RecordingMailer
from app.models import Shop
from app.services.admin_members import search_members
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email
from tests.support.hostile import IMG, SCRIPT
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401 - fixture
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url

SILBER: dict[str, Any] = {
    "key": "silber", "name": "Silber", "threshold": "100", "perks": ["Gratisversand"],
    "translations": {"en": {"name": "Silver", "perks": ["Free shipping"]}},
}
GOLD: dict[str, Any] = {"key": "gold", "name": "Gold", "threshold": "500", "perks": ["Geschenk"],
                        "translations": {"en": {"name": "Golden", "perks": ["A gift"]}}}
PROGRAM = {"basis": "spend", "period": "lifetime", "grace_days": 0, "tiers": [SILBER, GOLD]}
HOSTILE_EN = f"{SCRIPT} Silver {IMG}"


def put_program(client: FlaskClient, shop: Shop, program: dict[str, Any]) -> Any:
    response = client.put("/admin/api/tiers", json=program, headers=admin_headers(shop))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def shopper_with_silber(container: Container, shop: Shop, clock: FixedClock, locale: str | None = None) -> None:
    buyer = customer("7001", "juergen.weiss@example.de", locale=locale)
    deliver(container, shop, order("5001", at=clock.now(), merchandise="150.00", shipping="0.00", buyer=buyer))


def widget(client: FlaskClient, shop: Shop, clock: FixedClock, locale: str) -> Any:
    url = proxy_url("customer", shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001", locale=locale)
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_translations_are_saved_and_read_back(client: FlaskClient, shopify_shop: Shop) -> None:
    saved = put_program(client, shopify_shop, PROGRAM)
    read = client.get("/admin/api/tiers", headers=admin_headers(shopify_shop)).get_json()

    assert saved["tiers"][0]["translations"] == {"en": {"name": "Silver", "perks": ["Free shipping"]}}
    assert read["tiers"][0]["translations"] == {"en": {"name": "Silver", "perks": ["Free shipping"]}}
    assert read["tiers"][0]["name"] == "Silber"


def test_a_client_that_sends_no_translations_saves_and_keeps_the_stored_ones(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    put_program(client, shopify_shop, PROGRAM)
    old_client = {**PROGRAM, "tiers": [
        {k: v for k, v in t.items() if k != "translations"} | {"threshold": str(int(t["threshold"]) + 1)}
        for t in PROGRAM["tiers"]
    ] + [{"key": "platin", "name": "Platin", "threshold": "1000"}]}

    saved = put_program(client, shopify_shop, old_client)

    assert [t["threshold"] for t in saved["tiers"]] == ["101.00", "501.00", "1000.00"]
    assert [t["translations"] for t in saved["tiers"]] == [
        SILBER["translations"], GOLD["translations"], {}]


def test_an_empty_translation_clears_the_stored_one(client: FlaskClient, shopify_shop: Shop) -> None:
    put_program(client, shopify_shop, PROGRAM)

    saved = put_program(client, shopify_shop, {**PROGRAM, "tiers": [
        {**SILBER, "translations": {"en": {"name": " ", "perks": []}}}, GOLD]})

    assert saved["tiers"][0]["translations"] == {}


@pytest.mark.parametrize(("translations", "field"), [
    ({"fr": {"name": "Argent"}}, "fr"),
    ({"en": {"name": "S" * 81}}, "name"),
    ({"en": {"name": "Silver", "perks": ["p"] * 11}}, "perks"),
    ({"en": {"name": "Silver", "perks": ["p" * 121]}}, "perks"),
])
def test_a_translation_out_of_bounds_or_in_another_language_is_a_422(
    client: FlaskClient, shopify_shop: Shop, translations: dict[str, Any], field: str
) -> None:
    program = {**PROGRAM, "tiers": [{**SILBER, "translations": translations}]}

    response = client.put("/admin/api/tiers", json=program, headers=admin_headers(shopify_shop))

    assert response.status_code == 422
    assert field in str(response.get_json()["errors"]["tiers"]["0"]["translations"])


def test_two_tiers_with_one_english_name_are_a_422_on_the_second(client: FlaskClient, shopify_shop: Shop) -> None:
    twin = {**GOLD, "translations": {"en": {"name": "SILVER"}}}

    response = client.put("/admin/api/tiers", json={**PROGRAM, "tiers": [SILBER, twin]},
                          headers=admin_headers(shopify_shop))

    assert response.status_code == 422
    assert "tiers.1.translations.en.name" in response.get_json()["errors"]


def test_an_english_shopper_of_a_german_shop_sees_the_english_tier_and_perks(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    put_program(client, shopify_shop, PROGRAM)
    shopper_with_silber(container, shopify_shop, clock)

    body = widget(client, shopify_shop, clock, "en")

    assert body["tier"]["current"] | {"multiplier": None} == {
        "key": "silber", "name": "Silver", "perks": ["Free shipping"], "multiplier": None}
    assert body["tier"]["next"]["name"] == "Golden"
    assert body["tier"]["label"].endswith("to go to Golden")
    assert [t["name"] for t in body["program"]["tiers"]] == ["Silver", "Golden"]


def test_a_german_shopper_sees_the_german_tier_and_perks(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    put_program(client, shopify_shop, PROGRAM)
    shopper_with_silber(container, shopify_shop, clock)

    body = widget(client, shopify_shop, clock, "de")

    assert (body["tier"]["current"]["name"], body["tier"]["current"]["perks"]) == ("Silber", ["Gratisversand"])
    assert body["tier"]["label"].endswith("bis Gold")
    assert [t["name"] for t in body["program"]["tiers"]] == ["Silber", "Gold"]


def test_a_tier_without_a_translation_shows_its_name_to_english_shoppers(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    put_program(client, shopify_shop, {**PROGRAM, "tiers": [{k: v for k, v in SILBER.items() if k != "translations"}]})
    shopper_with_silber(container, shopify_shop, clock)

    body = widget(client, shopify_shop, clock, "en")

    assert (body["tier"]["current"]["name"], body["tier"]["current"]["perks"]) == ("Silber", ["Gratisversand"])


def test_a_saved_translation_is_in_the_very_next_widget_answer(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    untranslated = {**PROGRAM, "tiers": [{**t, "translations": {}} for t in PROGRAM["tiers"]]}
    put_program(client, shopify_shop, untranslated)
    shopper_with_silber(container, shopify_shop, clock)
    assert widget(client, shopify_shop, clock, "en")["tier"]["current"]["name"] == "Silber"
    clock.advance(seconds=1)

    put_program(client, shopify_shop, PROGRAM)

    assert widget(client, shopify_shop, clock, "en")["tier"]["current"]["name"] == "Silver"


class Html(HTMLParser):
    """The elements and text of an HTML part, as a mail client parses it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def upgrade_email(container: Container, mailer: RecordingMailer) -> EmailMessage:
    dispatch(container, mailer)
    [mail] = [m for m in mailer.sent if str(m["Message-ID"]).startswith("<tier_upgrade.")]
    return mail


def test_the_tier_upgrade_email_in_english_names_the_english_tier_and_perks(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock, mailer: RecordingMailer
) -> None:
    put_program(client, shopify_shop, PROGRAM)

    shopper_with_silber(container, shopify_shop, clock, locale="en")

    mail = upgrade_email(container, mailer)
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert mail["Content-Language"] == "en"
    assert "Your new tier: Silver" in plain
    assert "Free shipping" in plain
    assert "Silber" not in plain
    assert "Gratisversand" not in plain


def test_the_tier_upgrade_email_in_german_names_the_german_tier(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock, mailer: RecordingMailer
) -> None:
    put_program(client, shopify_shop, PROGRAM)

    shopper_with_silber(container, shopify_shop, clock, locale="de")

    plain = upgrade_email(container, mailer).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Deine neue Stufe: Silber" in plain
    assert "Gratisversand" in plain


def test_a_hostile_english_tier_name_comes_out_escaped_in_the_email_and_as_data_in_the_widget(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock, mailer: RecordingMailer
) -> None:
    hostile = {**SILBER, "translations": {"en": {"name": HOSTILE_EN, "perks": [IMG]}}}
    put_program(client, shopify_shop, {**PROGRAM, "tiers": [hostile, GOLD]})

    shopper_with_silber(container, shopify_shop, clock, locale="en")

    mail = upgrade_email(container, mailer)
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    parsed = Html(html)
    assert "<script" not in html
    assert "<img" not in html
    assert {"script", "img"}.isdisjoint(parsed.tags)
    assert HOSTILE_EN in parsed.text
    assert IMG in parsed.text
    assert HOSTILE_EN in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert widget(client, shopify_shop, clock, "en")["tier"]["current"]["name"] == HOSTILE_EN


def test_the_admins_member_tier_speaks_the_admin_pages_language(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    put_program(client, shopify_shop, PROGRAM)
    shopper_with_silber(container, shopify_shop, clock)
    member = member_by_email(container, shopify_shop, "juergen.weiss@example.de")
    path = f"/admin/api/members/{member.id}/tier"

    english = client.get(path, headers={**admin_headers(shopify_shop), "Accept-Language": "en"}).get_json()
    shops = client.get(path, headers=admin_headers(shopify_shop)).get_json()

    assert english["status"]["current"]["name"] == "Silver"
    assert shops["status"]["current"]["name"] == "Silber"


def test_the_member_list_names_tiers_in_the_language_asked_for(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    put_program(client, shopify_shop, PROGRAM)
    shopper_with_silber(container, shopify_shop, clock)

    english = search_members(container.uow(), shopify_shop.id, "", locale="en")["members"]
    as_written = search_members(container.uow(), shopify_shop.id, "")["members"]
    assert [m["tier"] for m in english] == ["Silver"]
    assert [m["tier"] for m in as_written] == ["Silber"]


@pytest.mark.parametrize(("args", "shown"), [((), "Stufe Silber (silber)"), (("--lang", "en"), "tier Silver (silber)")])
def test_members_show_names_the_tier_in_the_shops_language_or_the_one_asked_for(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock, args: tuple[str, ...],
    shown: str,
) -> None:
    put_program(client, shopify_shop, PROGRAM)
    shopper_with_silber(container, shopify_shop, clock)
    ctx = Context()
    ctx._container = container

    result = CliRunner().invoke(build_cli(), ["members", "show", shopify_shop.domain, "juergen.weiss@example.de",
                                              *args], obj=ctx)

    assert result.exit_code == 0, result.output
    assert shown in result.output
