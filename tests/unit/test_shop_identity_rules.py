"""How a platform's shop name, currency and locale become the program's."""

from __future__ import annotations

import pytest

from app.domain.shops import currency_code, display_name, program_locale, www_variant


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("de", "de"), ("de-CH", "de"), ("de_DE_formal", "de"), ("DE", "de"), ("en-US", "en"), ("fr", "en"),
     ("", None), (None, None), ("  ", None)],
)
def test_german_tags_give_german_and_every_other_language_english(tag: str | None, expected: str | None) -> None:
    assert program_locale(tag) == expected


@pytest.mark.parametrize(("code", "expected"), [("EUR", "EUR"), (" chf ", "CHF"), ("EURO", None), ("E1R", None),
                                                ("", None)])
def test_only_three_letter_currency_codes_are_taken(code: str, expected: str | None) -> None:
    assert currency_code(code) == expected


def test_a_shop_name_loses_control_characters_and_is_bounded() -> None:
    assert display_name("Kaffee\nMüller\t & Söhne\x00") == "Kaffee Müller & Söhne"
    assert display_name("  ") is None
    assert len(display_name("x" * 1000) or "") == 255


@pytest.mark.parametrize(
    ("typed", "home", "expected"),
    [("https://teeladen.de", "https://www.teeladen.de/", "https://www.teeladen.de"),
     ("https://www.teeladen.de", "https://TEELADEN.de", "https://teeladen.de"),
     ("https://teeladen.de", "https://teeladen.de/", None),
     ("https://teeladen.de", "https://other-shop.de/", None),
     ("https://teeladen.de", "https://www.teeladen.de/shop/", None),
     ("https://teeladen.de", "http://www.teeladen.de/", None),
     ("https://teeladen.de", "https://www.www.teeladen.de/", None),
     ("https://teeladen.de", None, None),
     ("https://teeladen.de", "not a url", None)],
)
def test_only_the_same_site_with_or_without_www_is_taken_as_the_shops_own_address(
    typed: str, home: str | None, expected: str | None
) -> None:
    assert www_variant(typed, home) == expected
