"""The outbox as other areas use it: `enqueue` in their transaction, dedupe keys, consent, the file backend."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from app.cli import build_cli
from app.models import OutboxMessage, Shop
from app.repositories import MemberRepository
from app.services.messages import enqueue
from tests.conftest import START
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import configure, dispatch, mailer_fixture, messages  # noqa: F401
from tests.support.snapshots import customer, order

ANNA = customer(ref="8001", email="anna@example.de", first_name="Anna", accepts_marketing=False)


def _enqueue(container, shop, kind, key, *, rollback=False, **context):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        member = MemberRepository(uow.session, shop.id).get_by_email(ANNA.email)
        row = enqueue(uow.session, uow.session.get(Shop, shop.id), member, kind, due_at=START, dedupe_key=key,
                      context=context or None)
        if not rollback:
            uow.commit()
        return row


@pytest.fixture
def anna(container, shopify_shop):  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, ANNA)
    return member_by_email(container, shopify_shop, ANNA.email)


def test_the_same_dedupe_key_schedules_one_message(container, shopify_shop, anna):
    first = _enqueue(container, shopify_shop, "reward_issued", "reward:1", reward_name="5 €", code="A-1")
    again = _enqueue(container, shopify_shop, "reward_issued", "reward:1", reward_name="5 €", code="A-1")

    assert first is not None
    assert again is None
    assert len(messages(container, shopify_shop)) == 1


def test_a_rolled_back_business_transaction_leaves_no_message(container, shopify_shop, anna):
    _enqueue(container, shopify_shop, "reward_issued", "reward:2", rollback=True, reward_name="5 €", code="B-2")

    assert messages(container, shopify_shop) == []


def test_consent_decides_by_kind(container, shopify_shop, anna):
    reward = _enqueue(container, shopify_shop, "reward_issued", "r:1", reward_name="5 €", code="C-3")
    expiring = _enqueue(container, shopify_shop, "points_expiring", "e:1", points=100, expires_at="2026-06-30")
    campaign = _enqueue(container, shopify_shop, "campaign", "c:1", body="Neue Sorten!")

    assert reward is not None
    assert expiring is not None
    assert campaign is None  # marketing needs consent


def test_marketing_goes_to_consenting_shoppers(container, shopify_shop):
    deliver(container, shopify_shop, customer(ref="8001", email=ANNA.email, accepts_marketing=True))

    assert _enqueue(container, shopify_shop, "campaign", "c:2", body="Neue Sorten!") is not None


def test_a_shopper_who_unsubscribed_at_the_shop_gets_no_more_marketing(container, shopify_shop):
    deliver(container, shopify_shop, customer(ref="8001", email=ANNA.email, accepts_marketing=True))
    deliver(container, shopify_shop, customer(ref="8001", email=ANNA.email, accepts_marketing=False))  # withdrawn
    deliver(container, shopify_shop, order("5001", at=START, buyer=customer(ref="8001", email=ANNA.email)))

    assert _enqueue(container, shopify_shop, "campaign", "c:3", body="Neue Sorten!") is None


def test_a_kind_rendered_from_context_refuses_an_incomplete_context(container, shopify_shop, anna):
    with pytest.raises(ValueError, match="tier_name"):
        _enqueue(container, shopify_shop, "tier_upgrade", "t:1", tiers="Gold")


def test_kinds_from_other_areas_render_from_their_context(container, shopify_shop, anna, mailer):
    _enqueue(container, shopify_shop, "tier_upgrade", "t:2", tier_name="Gold", benefits=["+25 % Punkte"])
    _enqueue(container, shopify_shop, "points_expiring", "e:2", points=150, expires_at="2026-06-30", balance=400)
    _enqueue(container, shopify_shop, "reward_issued", "r:2", reward_name="5 € Gutschein", code="TREUE-5",
             expires_at="2026-12-31")

    dispatch(container)

    subjects = sorted(str(m["Subject"]) for m in mailer.sent)
    assert subjects == ["Dein Gutschein: 5 € Gutschein", "Deine 150 Punkte verfallen bald",
                        "Glückwunsch: Du bist jetzt Gold!"]
    bodies = " ".join(m.get_body(("plain",)).get_content() for m in mailer.sent)
    assert "TREUE-5" in bodies
    assert "30. Juni 2026" in bodies
    assert "+25 % Punkte" in bodies


def test_a_campaign_email_carries_the_subject_the_merchant_wrote_for_it(container, shopify_shop, mailer):
    deliver(container, shopify_shop, customer(ref="8002", email="ben@example.de", first_name="Ben",
                                               accepts_marketing=True))
    with container.uow() as uow:
        member = MemberRepository(uow.session, shopify_shop.id).get_by_email("ben@example.de")
        enqueue(uow.session, uow.session.get(Shop, shopify_shop.id), member, "campaign", due_at=START,
                dedupe_key="c:1", context={"subject": "Doppelte Punkte für {first_name}", "body": "Neue Sorten!"})
        uow.commit()

    dispatch(container)

    assert [str(m["Subject"]) for m in mailer.sent] == ["Doppelte Punkte für Ben"]
    assert "Neue Sorten!" in mailer.sent[0].get_body(("plain",)).get_content()


@pytest.mark.parametrize(("locale", "multiplier", "perks", "expected"), [
    ("de", "1.25", [], ["+25 % Punkte", "Gratisversand", "Früher Zugang"]),
    ("en", "1.125", [], ["+12.5% points", "Gratisversand", "Früher Zugang"]),
    ("de", "1", [], ["Gratisversand", "Früher Zugang"]),
    # a perk the merchant wrote that says the multiplier already: said once, in the merchant's words
    ("de", "1.25", ["+25 % Punkte"], ["+25 % Punkte", "Gratisversand", "Früher Zugang"]),
    ("en", "1.5", ["+50 % Punkte"], ["+50 % Punkte", "Gratisversand", "Früher Zugang"]),
])
def test_a_tier_upgrade_lists_the_multiplier_and_the_tiers_perks(container, shopify_shop, anna, mailer, locale,
                                                                  multiplier, perks, expected):
    # As tier_changes enqueues it: the tier's multiplier and perks, no ready-made list.
    _enqueue(container, shopify_shop, "tier_upgrade", f"t:{locale}:{multiplier}", tier_name="Gold",
             tier_key="gold", multiplier=multiplier, perks=[*perks, "Gratisversand", "Früher Zugang", " "])
    with container.uow() as uow:
        uow.session.execute(update(OutboxMessage).values(locale=locale))
        uow.commit()

    dispatch(container)

    html = mailer.sent[0].get_body(("html",)).get_content()
    items = re.findall(r"<li>(.*?)</li>", html)
    assert items == expected


def test_worker_once_writes_due_emails_as_eml_files_under_instance_outbox(container, shopify_shop, settings_overrides,
                                                                        monkeypatch):
    deliver(container, shopify_shop, order(at=START, buyer=ANNA))
    container.clock.advance(minutes=1)
    monkeypatch.setenv("LOYALTY_DATABASE_URL", settings_overrides["database_url"])
    monkeypatch.setenv("LOYALTY_SECRET_KEY", settings_overrides["secret_key"])
    monkeypatch.setenv("LOYALTY_INSTANCE_PATH", str(settings_overrides["instance_path"]))

    result = CliRunner().invoke(build_cli(), ["worker", "--once"])

    assert "dispatch_outbox: ok 1 sent" in result.output, result.output
    files = list((settings_overrides["instance_path"] / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert b"anna@example.de" in files[0].read_bytes()
    assert [m.status for m in messages(container, shopify_shop)] == ["sent"]
    _ = timedelta


@pytest.mark.parametrize(("locale", "said"), [("de", "200 Bonuspunkte zum Aufstieg, schon gutgeschrieben"),
                                              ("en", "200 bonus points for moving up, already credited")])
def test_a_tier_upgrade_names_the_bonus_points_credited_for_reaching_it(container, shopify_shop, anna, mailer,
                                                                       locale, said):
    _enqueue(container, shopify_shop, "tier_upgrade", f"t:bonus:{locale}", tier_name="Gold", tier_key="gold",
             multiplier="1", perks=[], entry_points=200)
    with container.uow() as uow:
        uow.session.execute(update(OutboxMessage).values(locale=locale))
        uow.commit()

    dispatch(container)

    assert re.findall(r"<li>(.*?)</li>", mailer.sent[0].get_body(("html",)).get_content()) == [said]


def test_a_points_expiring_email_links_to_the_shop_and_says_the_balance_as_it_stands(
    container, shopify_shop, anna, mailer
):
    _enqueue(container, shopify_shop, "points_expiring", "e:link", points=25, expires_at="2026-06-30")

    dispatch(container)

    text = mailer.sent[0].get_body(("plain",)).get_content()
    html = mailer.sent[0].get_body(("html",)).get_content()
    assert "Punkte jetzt einlösen: https://kaffee-mueller.myshopify.com" in text
    assert 'href="https://kaffee-mueller.myshopify.com"' in html
    assert f"{anna.balance} Punkte" in text  # what is left to spend, as the member's balance stands when sent


def test_a_free_shipping_reward_is_named_once_in_its_email(container, shopify_shop, anna, mailer):
    with container.uow() as uow:  # the coupon's terms as the coupon service enqueues them ("kind" is the coupon's)
        enqueue(uow.session, uow.session.get(Shop, shopify_shop.id), MemberRepository(uow.session, shopify_shop.id)
                .get_by_email(ANNA.email), "reward_issued", due_at=START, dedupe_key="r:ship",
                context={"reward_name": "Gratisversand", "code": "SHIP-1", "kind": "free_shipping", "value": "0",
                         "expires_at": "2026-12-31"})
        uow.commit()

    dispatch(container)

    text = mailer.sent[0].get_body(("plain",)).get_content()
    assert "Gratisversand" in text
    assert "Kostenloser Versand" not in text  # what it gives, said again in other words
