"""The merchant's analytics choices (churn window, acquisition cost, A/B/C shares), kept in the programme's extras."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.errors import InvalidInput
from app.models import AuditLog, ProgramSettings
from app.repositories import ShopRepository
from app.uow import UnitOfWork

KEY = "analytics"


@dataclass(frozen=True)
class AnalyticsSettings:
    """Lost = no order within `churn_window_days`; CAC in shop currency (None: not entered); A/B cut-offs."""

    churn_window_days: int = 365
    acquisition_cost: Decimal | None = None
    a_share: Decimal = Decimal("0.80")
    b_share: Decimal = Decimal("0.95")

    def to_json(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


def from_program(settings: ProgramSettings) -> AnalyticsSettings:
    """The analytics settings stored with a shop's programme (defaults where none were saved)."""
    raw = (settings.extra or {}).get(KEY) or {}
    cac = raw.get("acquisition_cost")
    return AnalyticsSettings(
        churn_window_days=int(raw.get("churn_window_days", 365)),
        acquisition_cost=Decimal(str(cac)) if cac not in (None, "") else None,
        a_share=Decimal(str(raw.get("a_share", "0.80"))),
        b_share=Decimal(str(raw.get("b_share", "0.95"))),
    )


def read_analytics_settings(uow: UnitOfWork, shop_id: int) -> AnalyticsSettings:
    """The shop's analytics settings."""
    with uow:
        return from_program(ShopRepository(uow.session).settings(shop_id))


def update_analytics_settings(
    uow: UnitOfWork, shop_id: int, changes: dict[str, Any], *, actor: str, now: datetime
) -> AnalyticsSettings:
    """Change some of the settings (already validated) and audit what changed."""
    with uow:
        program = ShopRepository(uow.session).settings_for_update(shop_id)
        if program is None:
            raise LookupError(f"shop {shop_id} has no program settings")
        before = from_program(program).to_json()
        after = {**before, **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in changes.items()}}
        if Decimal(str(after["a_share"])) >= Decimal(str(after["b_share"])):
            raise InvalidInput("A must end before B", errors={"b_share": ["must be larger than a_share"]})
        program.extra = {**(program.extra or {}), KEY: after}
        program.updated_at = now
        changed = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
        if changed:
            uow.session.add(AuditLog(shop_id=shop_id, actor=actor, action="analytics.settings.update",
                                     target="analytics", details=changed, created_at=now))
        result = from_program(program)
        uow.commit()
        return result
