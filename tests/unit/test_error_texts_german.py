"""Every message the domain's validations produce has a German text (the admin page shows them to merchants)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import InvalidInput
from app.domain.rewards import NextPurchaseRule, RewardDef, validate_next_purchase_rule, validate_reward
from app.domain.tiers import TierDef, TierProgram, TierTranslation, validate_program
from app.i18n.validation import localize, localize_errors
from app.services.email_settings import check_changes

LONG = "x" * 200
BROKEN_TIERS = TierProgram("sometimes", "never", -1, tuple(  # type: ignore[arg-type]
    [TierDef("", "", Decimal("-1"), Decimal("99"), -5, perks=()),
     TierDef("gold", "Gold", Decimal("5"), translations=(TierTranslation("en", LONG, (LONG,) * 11),
                                                         TierTranslation("fr", "Or"))),
     TierDef("gold", "Gold", Decimal("1"), translations=(TierTranslation("de", "Gold"), TierTranslation("de")))]
    + [TierDef(f"t{i}", f"T{i}", Decimal(10 + i)) for i in range(5)]
))
CASES: list[tuple[str, Any]] = [
    ("tiers", lambda: validate_program(BROKEN_TIERS)),
    ("reward", lambda: validate_reward(RewardDef("cash", "", 0, Decimal("-1"), Decimal("-1"), 0))),  # type: ignore[arg-type]
    ("percentage", lambda: validate_reward(RewardDef("percentage", "10 %", 10, Decimal("150")))),
    ("free shipping", lambda: validate_reward(RewardDef("free_shipping", "Versand", 10, Decimal("5")))),
    ("next purchase", lambda: validate_next_purchase_rule(
        NextPurchaseRule("always", Decimal("-1"), "percentage", Decimal("0"), Decimal("-5"), 0))),  # type: ignore[arg-type]
    ("email sender", lambda: check_changes({"sender_name": "Shop\n" + LONG, "reply_to": "a@b.de, c@d.de"})),
    ("email reply address", lambda: check_changes({"reply_to": "Service <service@example.de>"})),
]


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    return [m for value in errors for m in _messages(value)]


@pytest.mark.parametrize(("name", "validate"), CASES, ids=[name for name, _ in CASES])
def test_every_validation_message_of_the_domain_reads_in_german(name: str, validate: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate()

    english = _messages(refused.value.errors) + [str(refused.value)]
    german = _messages(localize_errors(refused.value.errors, "de")) + [localize(str(refused.value), "de")]
    untranslated = [text for text, same in zip(english, german, strict=True) if text == same]
    assert english
    assert untranslated == []
