"""How a platform's shop name, currency and locale become the program's."""

from __future__ import annotations

import pytest

from app.domain.shops import currency_code, display_name, program_locale


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
