"""Shoppers are addressed one way in German everywhere they read: "du", as Shopify's and WooCommerce's own
German storefronts and notifications do, in the widget, the emails and the pages the emails link to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.i18n import catalogue

APP = Path(__file__).resolve().parents[2] / "app"
# The polite form's pronouns ("Sie" is only the polite form when capitalised mid-sentence, so any capitalised
# one is refused: none of the shopper's texts needs "Sie" for "they").
FORMAL = re.compile(r"\b(Sie|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres|Ihnen)\b")
SHOPPER_KEYS = ("emails.", "storefront.", "rewards.", "ledger.")
SHOPPER_PAGES = ("mail/templates/de", "templates/reviews", "templates/storefront", "templates/unsubscribe")


def _shopper_catalogue() -> dict[str, str]:
    return {key: texts["de"] for key, texts in catalogue().items() if key.startswith(SHOPPER_KEYS)}


def _widget_german() -> str:
    source = (APP / "static/widget/widget.js").read_text(encoding="utf-8")
    return source.split("\n    de: {", 1)[1].split("\n    en: {", 1)[0]


def test_the_shopper_facing_catalogue_says_du() -> None:
    formal = {key: text for key, text in _shopper_catalogue().items() if FORMAL.search(text)}

    assert formal == {}


@pytest.mark.parametrize("folder", SHOPPER_PAGES)
def test_the_german_emails_and_pages_say_du(folder: str) -> None:
    files = sorted((APP / folder).glob("*.*"))
    formal = [f"{path.name}: {match.group(0)}" for path in files
              for match in FORMAL.finditer(path.read_text(encoding="utf-8"))]

    assert files
    assert formal == []


def test_the_widget_says_du_in_german() -> None:
    german = _widget_german()

    assert "Dein Punktestand" in german
    assert FORMAL.findall(german) == []


def test_the_check_would_catch_the_polite_form() -> None:
    assert FORMAL.search("Vielen Dank für Ihren Einkauf")
    assert FORMAL.search("Geben Sie den Code an der Kasse ein.")
    assert not FORMAL.search("Gib den Code an der Kasse ein; sie dauert nur eine Minute.")
