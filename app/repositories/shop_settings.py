"""Per-shop settings rows, read once per transaction, and on PostgreSQL shared by the transactions of a process.

The webhook's shop lookup loads the shop with every area's settings row and remembers them here, present or
absent, for the rest of the transaction; the order hooks of each area then read their row from here instead
of one round trip each. Outside that path `settings_row` is a plain primary-key get.

On PostgreSQL the lookup reads only an md5 of the shop row and of each settings row as the database holds
them now; when those match the copies this process loaded before, the copies are used (`shared` / `share`):
loading seven entities was a sixth of the webhook's CPU. The copies are transient objects built column by
column from rows of one statement together with their fingerprints, so a copy always matches its fingerprint;
nothing in a webhook's transaction writes settings, and no session ever holds a copy.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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
    ProgramSettings,
    EarningSettings,
    EmailSettings,
    ReferralSettings,
    RewardSettings,
    TierProgramRow,
)
_KEY = "shop_settings"
OPEN_REFERRALS = "open_referrals"

# shop id -> (the rows' fingerprints, {Shop or settings model: transient copy or None}); one entry per shop,
# replaced whole.
_SHARED: dict[int, tuple[tuple[Any, ...], dict[Any, Any]]] = {}


def remember(session: Session, shop_id: int, rows: dict[Any, Any]) -> None:
    """Keep `rows` ({model or fact name: row, None or value}) for this shop until the transaction ends."""
    # The transaction they are kept for must exist now: remembered before it began, they would be kept for
    # "no transaction" and never found again (every hook would then read its row anew).
    session.connection()
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


def shared(shop_id: int, fingerprints: tuple[Any, ...]) -> dict[Any, Any] | None:
    """This process's copies of the shop row and its settings rows if they still match `fingerprints`, else None."""
    held = _SHARED.get(shop_id)
    return held[1] if held is not None and held[0] == fingerprints else None


def share(shop_id: int, fingerprints: tuple[Any, ...], rows: dict[Any, Any]) -> dict[Any, Any]:
    """Keep copies of `rows` (loaded by the statement that computed `fingerprints`) for later transactions;
    returns the copies."""
    copies = {model: _copy(row) for model, row in rows.items()}
    _SHARED[shop_id] = (fingerprints, copies)
    return copies


def _copy(row: Any) -> Any:
    # A transient instance with every column set and no history: readable anywhere, attached nowhere.
    if row is None:
        return None
    mapper = inspect(type(row))
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(row, attr.key))
    return copy
