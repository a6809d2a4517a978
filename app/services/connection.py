"""Whether a shop's keys and webhooks are verified, kept in the programme's extras (no schema change needed)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from app.domain import connection as rules
from app.domain.connection import ConnectionState
from app.domain.errors import PlatformError, PlatformNotConnected, PlatformRejected, PlatformUnavailable
from app.models import ProgramSettings, Shop
from app.repositories import ShopRepository
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

KEY = "connection"


def state_of(program: ProgramSettings | None) -> ConnectionState:
    """The connection state stored with a shop's programme (verified when nothing is stored)."""
    return rules.from_json(((program.extra or {}) if program is not None else {}).get(KEY))


def reason_for(exc: PlatformError) -> str:
    """Why the call failed, in the words the admin page explains: unreachable, keys refused, other refusal."""
    if isinstance(exc, PlatformNotConnected):
        return "not_connected"
    if isinstance(exc, PlatformUnavailable):
        return "store_unreachable"
    if isinstance(exc, PlatformRejected) and exc.details.get("status") in (401, 403):
        return "keys_refused"
    return "store_refused"


def record_verified(uow: UnitOfWork, shop_id: int, now: datetime) -> bool:
    """A call with the keys registered the webhooks: the shop is verified. True when it was not before."""
    with uow:
        program = ShopRepository(uow.session).settings_for_update(shop_id)
        if program is None or state_of(program).verified:
            return False  # nothing written: a verified shop's settings row stays as it is
        _store(program, rules.VERIFIED)
        uow.commit()
    log.info("shop connection verified", extra={"shop_id": shop_id})
    return True


def record_failure(uow: UnitOfWork, shop_id: int, exc: PlatformError, secrets: Iterable[str | None],
                   now: datetime, *, fresh: bool = False) -> ConnectionState:
    """A call with the keys failed: the shop stays (or becomes) unverified with the reason and the error
    text, from which the shop's secrets are removed. Giving up is logged as an error, once."""
    # Missing credentials are the whole story (the banner says so); nothing was sent, so there is no detail.
    error = "" if isinstance(exc, PlatformNotConnected) else rules.scrubbed(str(exc), secrets)
    with uow:
        program = ShopRepository(uow.session).settings_for_update(shop_id)
        if program is None:
            return rules.VERIFIED
        before = state_of(program)
        after = rules.failed_attempt(before, reason_for(exc), error, now, fresh=fresh)
        _store(program, after)
        uow.commit()
    context = {"shop_id": shop_id, "reason": after.reason, "error": error, "attempts": after.attempts}
    if after.gave_up and not before.gave_up:
        log.error("shop connection still not verified; automatic retries stopped", extra=context)
    else:
        log.warning("shop connection not verified", extra=context)
    return after


def record_unchecked(uow: UnitOfWork, shop_id: int, now: datetime) -> None:
    """A shop registered with keys outside the install flow (the command line): the worker's connection check
    registers its webhooks next, and the admin page says so until then."""
    with uow:
        program = ShopRepository(uow.session).settings_for_update(shop_id)
        if program is not None:
            _store(program, rules.unchecked(now))
            uow.commit()


def note_store_reachable(session: Session, shop_id: int, now: datetime) -> None:
    """Inside a caller's transaction: a sync with the keys succeeded, so an unverified shop is retried at once.
    A verified shop (nearly all, every sync) is only read; the row is locked to write an unverified one's state."""
    if state_of(session.get(ProgramSettings, shop_id)).verified:
        return
    program = ShopRepository(session).settings_for_update(shop_id)
    state = state_of(program)
    if program is not None and not state.verified:
        _store(program, rules.store_reachable(state, now))


def connection_status(uow: UnitOfWork, shop_id: int) -> ConnectionState:
    """The shop's connection state (the admin page's banner). A shop without credentials (an access token, API
    keys) is not connected whatever was stored: nothing can reach its shop, so the banner says so before an
    action fails."""
    with uow:
        shop = uow.session.get(Shop, shop_id)
        state = state_of(uow.session.get(ProgramSettings, shop_id))
    if shop is not None and not shop.is_connected and state.reason != "not_connected":
        return rules.not_connected()
    return state


def _store(program: ProgramSettings, state: ConnectionState) -> None:
    extra = dict(program.extra or {})
    if state.verified:
        extra.pop(KEY, None)
    else:
        extra[KEY] = rules.to_json(state)
    program.extra = extra
