"""The placeholders rule of the merchant's email texts: which each kind fills in, and checking a text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.email_texts import KNOWN, PLACEHOLDERS, email_text_errors, text_problems
from app.i18n import LOCALES, catalogue
from app.i18n.validation import localize
from app.services.email_settings import KINDS

LITERAL = st.text(st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), max_size=30)


@st.composite
def texts_of(draw: st.DrawFn, kind: str, extra: st.SearchStrategy[str]) -> str:
    """Literal text with the kind's placeholders and the pieces `extra` draws, in any order."""
    pieces = draw(st.lists(st.one_of(LITERAL, st.sampled_from(PLACEHOLDERS[kind]).map(lambda n: f"{{{n}}}"), extra),
                           max_size=8))
    return "".join(pieces)


def test_every_kind_of_email_has_its_placeholders_and_every_one_is_named_in_both_languages() -> None:
    assert set(PLACEHOLDERS) == set(KINDS)
    for name in KNOWN:
        assert set(catalogue()[f"emails.placeholder.{name}"]) == set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_the_default_texts_pass_their_own_check(kind: str, locale: str) -> None:
    for part in ("subject", "intro"):
        assert text_problems(catalogue()[f"emails.{kind}.{part}"][locale], kind) == []


@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_any_text_of_literal_words_and_the_kinds_placeholders_is_accepted(data: st.DataObject, kind: str) -> None:
    text = data.draw(texts_of(kind, st.nothing()))

    assert text_problems(text, kind) == []


@given(data=st.data(), kind=st.sampled_from(KINDS),
       name=st.from_regex(r"\w{1,20}", fullmatch=True).filter(lambda n: n not in KNOWN))
def test_any_unknown_name_is_refused_and_named(data: st.DataObject, kind: str, name: str) -> None:
    text = data.draw(texts_of(kind, st.nothing())) + f"{{{name}}}" + data.draw(texts_of(kind, st.nothing()))

    problems = text_problems(text, kind)

    assert problems == [f"Unknown placeholder {{{name}}}. Allowed: "
                        + ", ".join(f"{{{n}}}" for n in PLACEHOLDERS[kind]) + "."]


@given(data=st.data(), kind=st.sampled_from(KINDS), brace=st.sampled_from(["{", "}"]))
def test_a_lone_brace_anywhere_is_refused(data: st.DataObject, kind: str, brace: str) -> None:
    text = data.draw(texts_of(kind, st.nothing())) + brace + data.draw(LITERAL)

    assert len(text_problems(text, kind)) == 1


@pytest.mark.parametrize(("kind", "name"), [("thank_you", "code"), ("thank_you", "points"), ("campaign", "order"),
                                            ("referral_rewarded", "code"), ("review_request", "tier"),
                                            ("points_expiring", "reward")])
def test_a_placeholder_of_another_kind_is_refused_with_the_kinds_own(kind: str, name: str) -> None:
    problems = text_problems(f"Hallo {{first_name}}, {{{name}}}", kind)

    assert len(problems) == 1
    assert problems[0].startswith(f"This email has no {{{name}}}.")
    assert "{first_name}, {shop}" in problems[0]


@pytest.mark.parametrize(("text", "start"), [
    ("Hallo {first_name, schön", "The placeholder {first_name is not closed"),
    ("Hallo first_name}", "A } closes no placeholder"),
    ("Hallo { und {shop}", "A { opens no placeholder"),
    ("Hallo {{shop}}", "Write {shop} with single braces"),
    ("Hallo {}", "Unknown placeholder {}"),
    ("Hallo { shop }", "Unknown placeholder { shop }"),
])
def test_broken_braces_are_refused_with_what_is_wrong(text: str, start: str) -> None:
    problems = text_problems(text, "thank_you")

    assert problems
    assert problems[0].startswith(start)


def test_the_same_fault_twice_is_said_once() -> None:
    assert len(text_problems("{name} und {name}", "campaign")) == 1


def test_a_long_faulty_text_in_braces_is_shortened_in_the_message() -> None:
    [problem] = text_problems("{" + "x " * 100 + "}", "campaign")

    assert len(problem) < 120


@pytest.mark.parametrize("text", ["{name}", "{first_name", "}", "{{shop}}", "{code}", "{" + "x" * 60 + "}"])
def test_every_message_reads_in_german(text: str) -> None:
    for problem in text_problems(text, "thank_you"):
        german = localize(problem, "de")
        assert german != problem
        if "Allowed:" in problem:
            assert "Erlaubt: {first_name}, {shop}, {order}, {points_earned}, {balance}." in german


def test_the_errors_of_a_settings_document_name_each_faulty_field_only() -> None:
    kinds = {"thank_you": {"enabled": True, "subject": {"de": "Danke {name}", "en": "Thanks {first_name}"},
                           "intro": {"de": "", "en": "{code}"}},
             "campaign": {"subject": {"de": "News von {shop}"}}}

    errors = email_text_errors(kinds)

    assert set(errors) == {"thank_you"}
    assert set(errors["thank_you"]) == {"subject", "intro"}
    assert set(errors["thank_you"]["subject"]) == {"de"}
    assert errors["thank_you"]["intro"]["en"][0].startswith("This email has no {code}.")


def test_a_placeholder_in_double_braces_is_one_fault_said_as_such_in_both_languages() -> None:
    from app.i18n.validation import localize

    problems = text_problems("Hallo {{first_name}}, {{ shop }} grüßt", "thank_you")

    assert problems == ["Write {first_name} with single braces, not {{first_name}}.",
                        "Write {shop} with single braces, not {{shop}}."]
    assert localize(problems[0], "de") == (
        "Bitte {first_name} mit einfachen geschweiften Klammern schreiben, nicht {{first_name}}.")
