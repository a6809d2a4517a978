"""Through a real SMTP server (aiosmtpd on 127.0.0.1): hostile shopper, address, order, product, shop, reward and
tier texts arrive escaped in every message's HTML part (no markup of theirs survives) and verbatim in its text part."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.container import Container
from app.domain.tiers import TierProgram
from app.mail.smtp import SmtpMailer
from app.models import Shop
from app.services import rewards
from app.services.redemptions import redeem_reward
from app.services.rewards import RewardFields
from app.services.shops import NewShop, add_shop
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.deliveries import member_by_email
from tests.support.hostile import IMG, SCRIPT, SQL, SVG, TEMPLATE
from tests.support.outbox import dispatch, schedule_reviews
from tests.support.rewards import RecordingPlatform, coupons, save_program, set_reward_settings, tier, update_coupon
from tests.support.smtp import Inbox, smtp_inbox_fixture, smtp_mailer_fixture  # noqa: F401 - fixtures
from tests.support.webhooks import load_payload, shopify_headers

SHOP_NAME = f"{SVG} Rösterei"
FIRST_NAME = f"{IMG} {TEMPLATE}"
ORDER_NAME = f"#1042 {SCRIPT}"
TITLES = (f"{SVG} Espresso {SQL}", f"{IMG} Tasse")
STREET = f"{IMG} Lindenstraße 12"
TIER_NAME = f"{SCRIPT} Gold"
REWARD_NAME = f"{IMG} Gutschein {SQL}"
EMAIL = "juergen.weiss@example.de"
NEXT_PURCHASE = {
    "next_purchase_enabled": True, "next_purchase_mode": "first_order", "next_purchase_threshold": Decimal("0"),
    "next_purchase_kind": "percentage", "next_purchase_value": Decimal("10"),
    "next_purchase_minimum_order": Decimal("30"), "next_purchase_validity_days": 60,
}
GREETING = {"de": "Hallo", "en": "Hello"}
COUPON = {"de": f"(Bestellung {ORDER_NAME})", "en": f"(order {ORDER_NAME})"}
LOCALES = {"de": "de-DE", "en": "en-GB"}


class Markup(HTMLParser):
    """The elements, attribute names and text (entities decoded) of an HTML part, as a mail client parses it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@pytest.fixture
def shop(container: Container) -> Shop:
    """A shop the merchant named hostilely (Shopify's shop name is the merchant's text)."""
    new = NewShop("shopify", "kaffee-mueller.myshopify.com", name=SHOP_NAME, access_token="shpat_test")
    return add_shop(container.uow(), container.box, new, container.clock.now())


def hostile_address(address: dict[str, Any]) -> dict[str, Any]:
    hostile = {"first_name": FIRST_NAME, "last_name": SQL, "address1": STREET, "city": SCRIPT, "company": SVG}
    return {**address, **hostile, "name": f"{FIRST_NAME} {SQL}"}


def pay_order(client: FlaskClient, container: Container, shop: Shop, locale: str) -> None:
    """The shopper's paid order, as Shopify's signed orders/paid webhook delivers it."""
    payload = copy.deepcopy(load_payload("shopify", "orders_paid"))
    at = container.clock.now().isoformat()
    payload.update(name=ORDER_NAME, customer_locale=LOCALES[locale], note=SCRIPT, tags=SQL)
    payload.update(created_at=at, processed_at=at, updated_at=at)
    payload["customer"].update(first_name=FIRST_NAME, last_name=SQL)
    payload["billing_address"] = hostile_address(payload["billing_address"])
    payload["shipping_address"] = hostile_address(payload["shipping_address"])
    for line, title in zip(payload["line_items"], TITLES, strict=True):
        line["title"] = line["name"] = title
    body = json.dumps(payload).encode()
    headers = shopify_headers(body, "orders/paid", shop.domain, TEST_SHOPIFY_SECRET)
    response = client.post("/webhooks/shopify", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["outcome"] == "processed"  # type: ignore[index]


def received(inbox: Inbox, kind: str) -> EmailMessage:
    """The one message of `kind` that arrived (its Message-ID starts with the kind)."""
    [mail] = [m for m in inbox.received if str(m["Message-ID"]).startswith(f"<{kind}.")]
    return mail


def assert_escaped(mail: EmailMessage, *texts: str) -> None:
    """The HTML part shows each text (escaped in the source) and none of its markup; the text part shows it as is."""
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    parsed = Markup(html)
    for raw in ("<img", "<script", "<svg"):
        assert raw not in html, f"{raw!r} came through unescaped"
    assert {"img", "script", "svg"}.isdisjoint(parsed.tags)
    assert not {name for name in parsed.attributes if name.startswith("on")}
    assert "&lt;img src=x onerror=" in html
    for text in texts:
        assert text in parsed.text, f"{text!r} is not shown as text in the HTML part"
        assert text in plain, f"{text!r} is not in the text part"
    assert STREET not in parsed.text  # no email shows the address
    assert STREET not in plain


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_thank_you_email_shows_hostile_names_titles_and_the_coupon_escaped(
    client: FlaskClient, container: Container, shop: Shop, smtp_inbox: tuple[Inbox, int], smtp_mailer: SmtpMailer,
    locale: str,
) -> None:
    inbox, _ = smtp_inbox
    set_reward_settings(container, shop, **NEXT_PURCHASE)  # its title names the order
    pay_order(client, container, shop, locale)
    for coupon in coupons(container, shop):  # the worker pushed it: the thank-you waits for that
        update_coupon(container, coupon.id, status="active")

    dispatch(container)

    mail = received(inbox, "thank_you")
    assert (mail["To"], mail["Content-Language"]) == (EMAIL, locale)
    assert FIRST_NAME in str(mail["Subject"])
    assert_escaped(mail, SHOP_NAME, f"{GREETING[locale]} {FIRST_NAME},", ORDER_NAME, *TITLES, COUPON[locale])


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_review_request_and_its_reminder_show_hostile_names_and_titles_escaped(
    client: FlaskClient, container: Container, shop: Shop, smtp_inbox: tuple[Inbox, int], smtp_mailer: SmtpMailer,
    locale: str,
) -> None:
    inbox, _ = smtp_inbox
    pay_order(client, container, shop, locale)
    container.clock.advance(days=7, minutes=1)  # type: ignore[attr-defined]
    schedule_reviews(container)
    dispatch(container)
    container.clock.advance(days=5, minutes=1)  # type: ignore[attr-defined]

    schedule_reviews(container)
    dispatch(container)

    for kind in ("review_request", "review_reminder"):
        mail = received(inbox, kind)
        assert mail["Content-Language"] == locale
        assert_escaped(mail, SHOP_NAME, f"{GREETING[locale]} {FIRST_NAME},", ORDER_NAME, *TITLES)


def test_tier_upgrade_and_reward_emails_show_hostile_merchant_names_escaped(
    client: FlaskClient, container: Container, shop: Shop, smtp_inbox: tuple[Inbox, int], smtp_mailer: SmtpMailer,
) -> None:
    inbox, _ = smtp_inbox
    save_program(container, shop, TierProgram("spend", "lifetime", 0, (tier("gold", TIER_NAME, "10"),)))
    fields = RewardFields(kind="fixed_amount", points_cost=10, value=Decimal("5.00"), name_de=REWARD_NAME)
    reward = rewards.create_reward(container.uow(), shop.id, fields, container.clock.now())
    pay_order(client, container, shop, "de")
    member = member_by_email(container, shop, EMAIL)
    redeem_reward(container.uow, RecordingPlatform(), container.box, shop_id=shop.id, member_id=member.id,
                  reward_id=reward.id, now=container.clock.now())

    dispatch(container)

    assert_escaped(received(inbox, "tier_upgrade"), SHOP_NAME, f"Hallo {FIRST_NAME},", TIER_NAME)
    assert_escaped(received(inbox, "reward_issued"), SHOP_NAME, f"Hallo {FIRST_NAME},", REWARD_NAME)
