"""Per-shop settings rows, read once per transaction.

The webhook's shop lookup loads the shop with every area's settings row in one statement and remembers them
here, present or absent, for the rest of the transaction; the order hooks of each area then read their row
from here instead of one round trip each. Outside that path `settings_row` is a plain primary-key get.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.models import (
    EarningSettings,
    EmailSettings,
    ProgramSettings,
    ReferralSettings,
    RewardSettings,
    TierProgramRow,
)
from app.repositories.base import transaction_cache

T = TypeVar("T")

# Every settings table keyed by shop_id alone that a webhook's transaction may read.
SETTINGS_MODELS: tuple[type[Any], ...] = (
    ProgramSettings, EarningSettings, EmailSettings, ReferralSettings, RewardSettings, TierProgramRow,
)
_KEY = "shop_settings"
OPEN_REFERRALS = "open_referrals"


def remember(session: Session, shop_id: int, rows: dict[Any, Any]) -> None:
    """Keep `rows` ({model or fact name: row, None or value}) for this shop until the transaction ends."""
    known = _known(session)
    for key, row in rows.items():
        known[(key, shop_id)] = row


def settings_row(session: Session, model: type[T], shop_id: int) -> T | None:
    """The shop's row of this settings table, or None when the merchant never saved one."""
    known = _known(session)
    if (model, shop_id) in known:
        return known[(model, shop_id)]  # type: ignore[no-any-return]
    return session.get(model, shop_id)


def fact(session: Session, name: str, shop_id: int) -> Any:
    """A per-shop fact the shop lookup remembered (e.g. OPEN_REFERRALS), or None when it is not known."""
    return _known(session).get((name, shop_id))


def _known(session: Session) -> dict[tuple[Any, int], Any]:
    # Kept per transaction: the next transaction of the same session reads fresh rows.
    return transaction_cache(session, _KEY)
