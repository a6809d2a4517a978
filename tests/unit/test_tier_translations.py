"""Unit tests for tier names and perks in the other language: the reader's label, fallback, validation, storage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.errors import InvalidInput
from app.domain.tiers import (
    TierDef,
    TierProgram,
    TierTranslation,
    tier_label,
    translations_from_dict,
    translations_to_dict,
    validate_program,
)

SILBER = TierDef("silber", "Silber", Decimal("100"), perks=("Gratisversand",),
                 translations=(TierTranslation("en", "Silver", ("Free shipping",)),))
GOLD = TierDef("gold", "Gold", Decimal("500"), perks=("Gratisversand", "Geschenk"))


def _program(*tiers: TierDef) -> TierProgram:
    return TierProgram("spend", "lifetime", 0, tiers)


def _errors(program: TierProgram) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_program(program)
    return caught.value.errors


def test_an_english_reader_gets_the_english_name_and_perks() -> None:
    assert tier_label(SILBER, "en") == ("Silver", ("Free shipping",))


def test_a_german_reader_gets_the_name_and_perks_as_written() -> None:
    assert tier_label(SILBER, "de") == ("Silber", ("Gratisversand",))


def test_a_regional_locale_finds_its_language() -> None:
    assert tier_label(SILBER, "en-GB")[0] == "Silver"


def test_an_untranslated_tier_falls_back_to_its_name_and_perks() -> None:
    assert tier_label(GOLD, "en") == ("Gold", ("Gratisversand", "Geschenk"))


def test_no_locale_falls_back_to_the_name_as_written() -> None:
    assert tier_label(SILBER, None) == ("Silber", ("Gratisversand",))


def test_a_translation_without_perks_keeps_the_original_perks() -> None:
    named_only = TierDef("gold", "Gold", Decimal("0"), perks=("Geschenk",),
                         translations=(TierTranslation("en", "Golden"),))

    assert tier_label(named_only, "en") == ("Golden", ("Geschenk",))


def test_a_translation_with_perks_but_a_blank_name_keeps_the_original_name() -> None:
    perks_only = TierDef("gold", "Gold", Decimal("0"), translations=(TierTranslation("en", "  ", ("Gift",)),))

    assert tier_label(perks_only, "en") == ("Gold", ("Gift",))


def test_a_translated_program_passes_validation() -> None:
    validate_program(_program(SILBER, GOLD))


def test_validation_rejects_two_tiers_with_one_english_name() -> None:
    twin = TierDef("gold", "Gold", Decimal("500"), translations=(TierTranslation("en", "silver"),))

    errors = _errors(_program(SILBER, twin))

    assert set(errors) == {"tiers.1.translations.en.name"}


def test_validation_rejects_a_translated_name_that_an_untranslated_tier_already_shows() -> None:
    golden = TierDef("silber", "Silber", Decimal("100"), translations=(TierTranslation("en", "GOLD"),))

    errors = _errors(_program(golden, GOLD))

    assert set(errors) == {"tiers.0.translations.en.name"}


def test_validation_reports_clashing_untranslated_names_on_the_name_only() -> None:
    twin = TierDef("gold2", "gold", Decimal("900"))

    errors = _errors(_program(GOLD, twin))

    assert set(errors) == {"tiers.1.name"}


def test_validation_rejects_a_language_other_than_german_or_english() -> None:
    french = TierDef("gold", "Gold", Decimal("0"), translations=(TierTranslation("fr", "Or"),))

    assert set(_errors(_program(french))) == {"tiers.0.translations"}


def test_validation_bounds_the_translated_name_to_80_characters() -> None:
    long = TierDef("gold", "Gold", Decimal("0"), translations=(TierTranslation("en", "G" * 81),))

    assert set(_errors(_program(long))) == {"tiers.0.translations.en.name"}


def test_validation_allows_at_most_ten_translated_perks() -> None:
    many = TierDef("gold", "Gold", Decimal("0"),
                   translations=(TierTranslation("en", "Gold", tuple(f"Perk {i}" for i in range(11))),))

    assert set(_errors(_program(many))) == {"tiers.0.translations.en.perks"}


def test_validation_bounds_each_translated_perk_to_120_characters() -> None:
    wordy = TierDef("gold", "Gold", Decimal("0"), translations=(TierTranslation("en", "Gold", ("x" * 121,)),))

    assert set(_errors(_program(wordy))) == {"tiers.0.translations.en.perks"}


def test_translations_round_trip_through_their_stored_form_without_empty_ones() -> None:
    translations = (TierTranslation("de", " ", ()), TierTranslation("en", " Silver ", ("Free shipping", " ")))

    stored = translations_to_dict(translations)

    assert stored == {"en": {"name": "Silver", "perks": ["Free shipping"]}}
    assert translations_from_dict(stored) == (TierTranslation("en", "Silver", ("Free shipping",)),)


def test_stored_junk_and_unknown_languages_are_ignored_when_read() -> None:
    assert translations_from_dict({"fr": {"name": "Or"}, "en": "Silver"}) == ()
    assert translations_from_dict(None) == ()
