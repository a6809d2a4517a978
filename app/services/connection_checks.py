"""The worker's connection check: shops whose keys or webhooks are not verified are retried with backoff."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.connection import ConnectionState
from app.domain.errors import PlatformError
from app.models import ProgramSettings, Shop
from app.platforms.base import PlatformClient
from app.security import SecretBox
from app.services import install
from app.services.connection import KEY, connection_status, state_of
from app.services.shop_details import refresh_shop_details
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

# Each check is a few calls to one store (its rate limits are the HTTP client's to respect); a cycle stops
# after this many shops, and the rest come next cycle, so one run never blocks the worker for long.
SHOPS_PER_RUN = 20

PlatformFor = Callable[[str], PlatformClient]


@dataclass(frozen=True)
class CheckSummary:
    """What one run of the check did."""

    checked: int
    verified: int
    still_failing: int

    def __str__(self) -> str:
        return f"{self.checked} shops checked, {self.verified} verified, {self.still_failing} still failing"


def check_connections(uow_factory: Callable[[], UnitOfWork], platform_client: PlatformFor, box: SecretBox,
                      public_url: str, now: datetime, limit: int = SHOPS_PER_RUN) -> CheckSummary:
    """Retry the webhook registration of every active shop whose connection is unverified and due (the job).

    A shop that the worker gave up on is left alone (the admin page still offers a retry). Each shop's calls
    run with no transaction open; one shop's failure is recorded on it and the others go on.
    """
    due = _due_shops(uow_factory(), now, limit)
    verified = 0
    for shop_id, platform in due:
        try:
            verify_connection(uow_factory, platform_client(platform), box, shop_id, public_url, now)
        except PlatformError:
            continue  # recorded on the shop (reason, scrubbed error) and logged by the registration
        except Exception:  # noqa: BLE001 - one shop's surprise must not stop the others' checks
            log.exception("connection check failed", extra={"shop_id": shop_id})
            continue
        verified += 1
    return CheckSummary(len(due), verified, len(due) - verified)


def verify_connection(uow_factory: Callable[[], UnitOfWork], client: PlatformClient, box: SecretBox, shop_id: int,
                      public_url: str, now: datetime) -> ConnectionState:
    """Register the shop's webhooks now (which verifies its keys) and, once that worked, read the shop's name
    and currency again (the install could not when the store was down). Raises the platform's error."""
    install.register_webhooks(uow_factory, box, client, shop_id, public_url, now)
    refresh_shop_details(uow_factory, box, client, shop_id, set_locale=False)
    return connection_status(uow_factory(), shop_id)


def _due_shops(uow: UnitOfWork, now: datetime, limit: int) -> list[tuple[int, str]]:
    # Only shops with a stored state are read: a verified shop stores none (see services.connection).
    has_credentials = Shop.access_token_enc.is_not(None) | Shop.consumer_key_enc.is_not(None)
    with uow:
        rows = uow.session.execute(
            select(Shop.id, Shop.platform, ProgramSettings)
            .join(ProgramSettings, ProgramSettings.shop_id == Shop.id)
            .where(Shop.status == "active", has_credentials, ProgramSettings.extra[KEY].is_not(None))
            .order_by(Shop.id)
        ).all()
        states = [(state_of(program), shop_id, platform) for shop_id, platform, program in rows]
    # The longest-waiting first, so that a cycle's limit cannot starve shops with high ids.
    due = sorted((s.next_attempt_at or now, shop_id, platform) for s, shop_id, platform in states if s.is_due(now))
    return [(shop_id, platform) for _, shop_id, platform in due[:limit]]
