"""Texts saved before placeholders were checked still render: a fault is shown as typed, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from markupsafe import escape

from app.domain.email_texts import PLACEHOLDERS
from app.services.email_content import render_kind, sample_context
from app.services.email_settings import KINDS, EmailConfig

SHOP: Any = SimpleNamespace(name="Kaffeerösterei Müller", domain="kaffee.example", currency="EUR")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LEGACY = ["Hallo {name}", "Hallo {first_name", "Rabatt 5 }", "{}", "{0}", "{points:>5}", "{__class__}",
          "{shop.__class__}", "%(shop)s <b>{x}</b>", "{" + "x" * 3000]


def _render(kind: str, subject: str, intro: str) -> Any:
    config = EmailConfig.from_dict({"kinds": {kind: {"subject": {"de": subject}, "intro": {"de": intro}}}})
    return render_kind(kind, "de", sample_context(SHOP, "de", kind, config, now=NOW), config)


@pytest.mark.parametrize("text", LEGACY)
@pytest.mark.parametrize("kind", KINDS)
def test_a_saved_text_with_a_bad_placeholder_renders_it_as_typed(kind: str, text: str) -> None:
    email = _render(kind, text, text)

    assert email.subject == " ".join(text.split())[:255]
    assert str(escape(text)) in email.html
    assert "<b>{x}</b>" not in email.html


def test_doubled_braces_around_a_placeholder_keep_the_outer_pair_as_before() -> None:
    assert _render("campaign", "{{shop}}", "").subject == "{Kaffeerösterei Müller}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_allowed_placeholder_is_filled_in_the_preview_of_its_kind(kind: str) -> None:
    text = " ".join(f"{{{name}}}" for name in PLACEHOLDERS[kind])

    email = _render(kind, text, text)

    assert "{" not in email.subject
    assert len(email.subject.split()) >= len(PLACEHOLDERS[kind])
