"""The German admin meets no English error text: every form of marshmallow's Range message and the admin's own."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError, validate

from app.i18n.validation import localize


@pytest.mark.parametrize(
    ("validator", "value", "german"),
    [
        (validate.Range(min=0, max=10), 11, "Muss zwischen 0 und 10 liegen."),
        (validate.Range(min=0, min_inclusive=False, max=100_000), 0, "Muss größer als 0 und höchstens 100.000 sein."),
        (validate.Range(min=0, max=10, max_inclusive=False), 10, "Muss mindestens 0 und kleiner als 10 sein."),
        (validate.Range(min=0, min_inclusive=False, max=10, max_inclusive=False), 0,
         "Muss größer als 0 und kleiner als 10 sein."),
    ],
)
def test_every_form_of_a_range_message_has_a_german_text(validator, value, german) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        validator(value)

    assert localize(raised.value.messages[0], "de") == german


def test_a_percentage_over_100_is_refused_in_german() -> None:
    assert localize("A percentage is at most 100.", "de") == "Ein Prozentsatz darf höchstens 100 sein."


def test_a_missing_campaign_subject_or_text_is_refused_in_german() -> None:
    assert localize("required", "de") == "Pflichtfeld: bitte ausfüllen."


def test_english_range_messages_stay_english() -> None:
    message = "Must be greater than 0 and less than or equal to 100000."

    assert localize(message, "en") == message
