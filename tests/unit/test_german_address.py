"""Shoppers are addressed one way in German everywhere they read, the way the shop chose: "du" (the default, as
Shopify's and WooCommerce's German storefronts and notifications speak) or "Sie", in the widget, the emails and
the pages the emails link to. Texts that speak to the shopper have both forms; the rest use neither."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.i18n import FORMAL, catalogue, template, texts_for

APP = Path(__file__).resolve().parents[2] / "app"
# The polite form's pronouns ("Sie" is only the polite form when capitalised mid-sentence, so any capitalised
# one is refused: none of the shopper's texts needs "Sie" for "they").
POLITE = re.compile(r"\b(Sie|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres|Ihnen)\b")
FAMILIAR = re.compile(r"\b([Dd]u|[Dd]ich|[Dd]ir|[Dd]ein\w*|[Gg]ib|[Bb]estelle|[Hh]interlasse|[Tt]eile|[Ss]ammle|"
                      r"[Ee]rstelle|[Vv]errate|[Aa]bonniere|[Ee]rfahre|[Pp]rüfe|[Vv]ersuche es|[Mm]elde|[Bb]ewerte|"
                      r"[Ll]öse|bekommst|hast|bist|möchtest|erhältst|wurdest)\b")
SHOPPER_KEYS = ("emails.", "storefront.", "rewards.", "ledger.")
SHOPPER_PAGES = ("templates/reviews", "templates/storefront", "templates/unsubscribe")
# What the shopper passes on to a friend (the share text) is the shopper's own voice: "du" whatever the shop says.
SHOPPERS_OWN_VOICE = {"shareText"}
# What the widget can show before the shop's answer says which form it uses: loading, a failed first load, its errors.
BEFORE_THE_SHOP_ANSWERS = ("loading", "loadError", "retry", "errNetwork", "errGeneric", "errRateLimited",
                           "errRateLimitedSoon")
DU_CALL = re.compile(r'\{\{ du\("((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\) \}\}')


def _shopper_catalogue() -> dict[str, dict[str, str]]:
    return {key: texts for key, texts in catalogue().items() if key.startswith(SHOPPER_KEYS)}


def _widget_dict(name: str) -> dict[str, str]:
    source = (APP / "static/widget/widget.js").read_text(encoding="utf-8")
    block = source.split(f"\n    {name}: {{\n", 1)[1].split("\n    }", 1)[0]
    return dict(re.findall(r"^\s+(\w+): '((?:[^'\\]|\\.)*)',?$", block, flags=re.MULTILINE))


def test_every_shopper_text_that_speaks_to_the_shopper_has_a_polite_form_and_each_form_keeps_to_itself() -> None:
    texts = _shopper_catalogue()
    familiar = {key for key, t in texts.items() if FAMILIAR.search(t["de"])}

    assert familiar
    assert sorted(key for key in familiar if FORMAL not in texts[key]) == []
    assert {key: t["de"] for key, t in texts.items() if POLITE.search(t["de"])} == {}
    assert {key: t[FORMAL] for key, t in texts.items() if FORMAL in t and FAMILIAR.search(t[FORMAL])} == {}


def test_the_polite_form_is_taken_only_for_german_and_only_where_a_text_has_one() -> None:
    assert template("emails.thank_you.subject", "de", formal=True) == "Vielen Dank für Ihren Einkauf, {first_name}!"
    assert template("emails.thank_you.subject", "de") == "Vielen Dank für deinen Einkauf, {first_name}!"
    assert template("emails.thank_you.subject", "en", formal=True) == "Thank you for your purchase, {first_name}!"
    assert texts_for("de", "emails.review.", formal=True)["emails.review.submit"] == "Bewertung absenden"


def _template_words(path: Path) -> tuple[str, list[tuple[str, str]]]:
    source = path.read_text(encoding="utf-8")
    return DU_CALL.sub("", source), DU_CALL.findall(source)


@pytest.mark.parametrize("path", sorted((APP / "mail/templates/de").glob("*.*")), ids=lambda p: p.name)
def test_the_german_emails_say_each_form_in_its_own_words(path: Path) -> None:
    rest, calls = _template_words(path)

    assert FAMILIAR.findall(rest) == []
    assert POLITE.findall(rest) == []
    assert [(familiar, polite) for familiar, polite in calls
            if POLITE.search(familiar) or FAMILIAR.search(polite) or familiar == polite] == []


@pytest.mark.parametrize("folder", SHOPPER_PAGES)
def test_the_pages_the_emails_link_to_take_every_word_from_the_catalogue(folder: str) -> None:
    files = sorted((APP / folder).glob("*.*"))
    words = [f"{path.name}: {match.group(0)}" for path in files
             for match in (*POLITE.finditer(path.read_text(encoding="utf-8")),
                           *FAMILIAR.finditer(path.read_text(encoding="utf-8")))]

    assert files
    assert words == []


def test_the_widget_has_the_polite_form_of_every_german_text_that_speaks_to_the_shopper() -> None:
    familiar_de, polite_de = _widget_dict("de"), _widget_dict("de_sie")
    speaking = {key for key, text in familiar_de.items() if FAMILIAR.search(text)} - SHOPPERS_OWN_VOICE

    assert familiar_de["balance"] == "Dein Punktestand"
    assert polite_de["balance"] == "Ihr Punktestand"
    assert sorted(speaking - set(polite_de)) == []
    assert sorted(set(polite_de) - set(familiar_de)) == []
    assert {key: text for key, text in familiar_de.items() if POLITE.search(text)} == {}
    assert {key: text for key, text in polite_de.items() if FAMILIAR.search(text)} == {}


def test_what_the_widget_shows_before_the_shop_answers_says_neither_form() -> None:
    familiar_de, polite_de = _widget_dict("de"), _widget_dict("de_sie")
    before = {key: familiar_de[key] for key in BEFORE_THE_SHOP_ANSWERS}

    assert before["loadError"] == "Die Punkte konnten gerade nicht geladen werden."
    assert {key: text for key, text in before.items() if FAMILIAR.search(text) or POLITE.search(text)} == {}
    assert sorted(set(BEFORE_THE_SHOP_ANSWERS) & set(polite_de)) == []


def test_the_checks_would_catch_either_form_in_the_other() -> None:
    assert POLITE.search("Vielen Dank für Ihren Einkauf")
    assert POLITE.search("Geben Sie den Code an der Kasse ein.")
    assert not POLITE.search("Gib den Code an der Kasse ein; sie dauert nur eine Minute.")
    assert FAMILIAR.search("Gib den Code an der Kasse ein.")
    assert FAMILIAR.search("Danke, dass du uns weiterempfiehlst.")
    assert FAMILIAR.search("Bitte versuche es erneut.")
    assert not FAMILIAR.search("Bitte die Internetverbindung prüfen und erneut versuchen.")
    assert not FAMILIAR.search("Geben Sie den Code an der Kasse ein.")
