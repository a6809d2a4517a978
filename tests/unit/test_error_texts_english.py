"""marshmallow's terse default messages read as plain sentences in English and German alike."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from app.i18n.validation import ENGLISH, EXACT, localize


class Everything(Schema):
    """One field of every kind the admin's forms send, with the validators they use."""

    points = fields.Int(required=True, strict=True)
    amount = fields.Decimal(allow_nan=False)
    ratio = fields.Float()
    text = fields.Str()
    flag = fields.Bool()
    day = fields.Date()
    moment = fields.DateTime()
    email = fields.Email()
    url = fields.Url()
    items = fields.List(fields.Int())
    mapping = fields.Dict()
    basis = fields.Str(validate=validate.OneOf(["spend", "points"]))
    name = fields.Str(validate=validate.Length(min=1))
    nullable = fields.Int()


BROKEN = {"amount": "NaN", "ratio": "x", "text": 5, "flag": "vielleicht", "day": "31.02.", "moment": "gestern",
          "email": "kein", "url": "nirgends", "items": 5, "mapping": [1], "basis": "luck", "name": "",
          "nullable": None, "surprise": 1}


def _messages() -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        Everything().load(BROKEN)
    found = refused.value.normalized_messages()
    return {field: messages[0] for field, messages in found.items() if isinstance(messages, list)}


def test_every_default_message_the_admin_can_meet_is_reworded_in_english() -> None:
    messages = _messages()

    assert set(messages) == set(BROKEN) | {"points"}  # every field refused, the missing one too
    unchanged = {field: text for field, text in messages.items() if localize(text, "en") == text}
    assert unchanged == {}


def test_every_default_message_the_admin_can_meet_reads_in_german() -> None:
    untranslated = {field: text for field, text in _messages().items() if localize(text, "de") == text}

    assert untranslated == {}


@pytest.mark.parametrize(("marshmallow", "english", "german"), [
    ("Field may not be null.", "Must not be empty.", "Darf nicht leer sein."),
    ("Missing data for required field.", "Required: please fill in.", "Pflichtfeld: bitte ausfüllen."),
    ("Not a valid integer.", "Please enter a whole number.", "Bitte eine ganze Zahl eingeben."),
    ("Not a valid date.", "Please enter a valid date.", "Kein gültiges Datum."),
    ("Must be one of: spend, points.", "Please choose one of: spend, points.", "Erlaubt: spend, points."),
    ("Longer than maximum length 80.", "At most 80 characters.", "Höchstens 80 Zeichen."),
])
def test_a_default_message_has_the_same_meaning_in_both_languages(marshmallow: str, english: str, german: str) -> None:
    assert (localize(marshmallow, "en"), localize(marshmallow, "de")) == (english, german)


def test_every_reworded_english_message_has_a_german_text_too() -> None:
    assert [text for text in ENGLISH if text not in EXACT] == ["Shorter than minimum length 1."]
    assert localize("Shorter than minimum length 1.", "de") == "Mindestens 1 Zeichen."


def test_messages_without_a_rewording_stay_as_written() -> None:
    range_text = f"Must be greater than or equal to 0 and less than or equal to {date.max.year}."

    assert localize(range_text, "en") == range_text
