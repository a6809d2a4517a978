"""Privacy requests: data exports for the merchant, anonymising a customer, deleting a shop's data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import snapshots as ev
from app.domain.errors import InvalidInput, MemberNotFound, NotFound
from app.models import AuditLog, Member, PrivacyExport, Shop
from app.repositories import MemberRepository
from app.repositories.base import row_id
from app.services import privacy_data
from app.uow import UnitOfWork

log = logging.getLogger(__name__)


class ExportNotFound(NotFound):
    reason = "export_not_found"
    message = "Unknown data export."


class ConfirmationMismatch(InvalidInput):
    reason = "confirmation_mismatch"
    message = "Type the shop's address to confirm."


def handlers() -> dict[type, Callable[[Session, Shop, Any, datetime], object]]:
    """The privacy events delivered by webhook and the functions that apply them."""
    return {
        ev.CustomerDataRequest: apply_data_request,
        ev.CustomerRedactRequest: apply_customer_redact,
        ev.ShopRedactRequest: apply_shop_redact,
    }


def apply_data_request(session: Session, shop: Shop, event: ev.CustomerDataRequest, now: datetime) -> PrivacyExport:
    """customers/data_request: the member's data as JSON, kept for the merchant to download from the admin page."""
    member = _find_member(session, shop.id, event.customer_ref, event.email)
    return _store_export(session, shop.id, member, "webhook", event.request_ref or "", now,
                         {"customer_ref": event.customer_ref})


def apply_customer_redact(session: Session, shop: Shop, event: ev.CustomerRedactRequest, now: datetime) -> None:
    """customers/redact: anonymise the member (ledger amounts stay for the books) and clear their orders."""
    member = _find_member(session, shop.id, event.customer_ref, event.email)
    if member is None:
        privacy_data.redact_guest(session, shop.id, event.email, event.order_refs)
        log.info("redact request for unknown customer", extra={"shop_id": shop.id})
        return
    member_id = member.id
    privacy_data.redact_member(session, shop.id, member, event.order_refs, now)
    session.add(AuditLog(shop_id=shop.id, actor=f"{shop.platform}-webhook", action="privacy.redact",
                         target=f"member:{member_id}", details={}, created_at=now))


def apply_shop_redact(session: Session, shop: Shop, event: ev.ShopRedactRequest, now: datetime) -> None:
    """shop/redact: delete all of the shop's data, unless the merchant has installed again since."""
    if shop.is_active:
        log.info("shop/redact for an installed shop ignored", extra={"shop_id": shop.id})
        return
    privacy_data.delete_shop(session, shop.id)
    log.info("shop data deleted", extra={"shop_id": shop.id})


def export_member_by_admin(uow: UnitOfWork, shop_id: int, member_ref: int | str, *, actor: str, now: datetime) -> int:
    """The admin page's data export of one member (by member number or email); returns the export id."""
    with uow:
        member = _member_for_admin(uow.session, shop_id, member_ref, for_update=False)
        export = _store_export(uow.session, shop_id, member, "admin", "", now, {})
        uow.session.add(AuditLog(shop_id=shop_id, actor=actor, action="privacy.export", target=f"member:{member.id}",
                                 details={"export_id": export.id}, created_at=now))
        uow.commit()
        return export.id


def redact_member_by_admin(uow: UnitOfWork, shop_id: int, member_ref: int | str, *, actor: str, now: datetime) -> None:
    """The admin page's anonymisation of one member (by member number or email)."""
    with uow:
        member = _member_for_admin(uow.session, shop_id, member_ref, for_update=True)
        member_id = member.id
        privacy_data.redact_member(uow.session, shop_id, member, (), now)
        uow.session.add(AuditLog(shop_id=shop_id, actor=actor, action="privacy.redact", target=f"member:{member_id}",
                                 details={}, created_at=now))
        uow.commit()


def delete_shop_by_admin(uow: UnitOfWork, shop_id: int, confirm: str) -> None:
    """Delete all of the shop's data now (the merchant leaves); `confirm` must be the shop's domain."""
    with uow:
        shop = uow.session.get(Shop, shop_id)
        if shop is None:
            raise NotFound()
        if confirm.strip().lower().rstrip("/") != shop.domain.lower():
            raise ConfirmationMismatch(errors={"confirm": "type the shop's address exactly"})
        privacy_data.delete_shop(uow.session, shop_id)
        uow.commit()


def list_exports(uow: UnitOfWork, shop_id: int, limit: int = 100) -> list[PrivacyExport]:
    """The shop's data exports, newest first."""
    with uow:
        return list(uow.session.scalars(
            select(PrivacyExport).where(PrivacyExport.shop_id == shop_id)
            .order_by(PrivacyExport.id.desc()).limit(limit)
        ).all())


def download_export(uow: UnitOfWork, shop_id: int, export_id: int, now: datetime) -> dict[str, Any]:
    """One export's JSON; the first download is recorded."""
    with uow:
        export = uow.session.scalars(
            select(PrivacyExport).where(PrivacyExport.shop_id == shop_id, PrivacyExport.id == export_id)
        ).first()
        if export is None:
            raise ExportNotFound(export_id=export_id)
        export.downloaded_at = export.downloaded_at or now
        data = dict(export.data)
        uow.commit()
        return data


def purge_uninstalled_shops(uow_factory: Callable[[], UnitOfWork], now: datetime) -> int:
    """Delete the data of shops uninstalled longer than their purge delay; each shop in its own transaction."""
    with uow_factory() as uow:
        due = uow.session.scalars(
            select(Shop.id).where(Shop.status == "uninstalled", Shop.purge_after.is_not(None),
                                  Shop.purge_after <= now)
        ).all()
    purged = 0
    for shop_id in due:
        with uow_factory() as uow:
            shop = uow.session.scalars(select(Shop).where(Shop.id == shop_id).with_for_update()).first()
            if shop is None or shop.status != "uninstalled" or shop.purge_after is None or shop.purge_after > now:
                continue  # reinstalled (or purged) meanwhile
            privacy_data.delete_shop(uow.session, shop_id)
            uow.commit()
            purged += 1
            log.info("uninstalled shop purged", extra={"shop_id": shop_id})
    return purged


def _member_for_admin(session: Session, shop_id: int, member_ref: int | str, *, for_update: bool) -> Member:
    """The shop's member a merchant named by member number (digits) or email address, else MemberNotFound."""
    members = MemberRepository(session, shop_id)
    text = str(member_ref).strip()
    if text.isdigit():
        number = row_id(text)
        member = None if number is None else members.get_for_update(number) if for_update else members.get(number)
    else:
        found = members.get_by_email(text) if "@" in text else None
        member = members.get_for_update(found.id) if found is not None and for_update else found
    if member is None:
        raise MemberNotFound(member=text)
    return member


def _find_member(session: Session, shop_id: int, customer_ref: str | None, email: str | None) -> Member | None:
    members = MemberRepository(session, shop_id)
    member = members.get_by_customer_ref(customer_ref) if customer_ref else None
    if member is None and email:
        member = members.get_by_email(email)
    return member


def _store_export(session: Session, shop_id: int, member: Member | None, source: str, request_ref: str,
                  now: datetime, request: dict[str, Any]) -> PrivacyExport:
    data = {"generated_at": now.isoformat(), "request": request, "found": member is not None,
            **(privacy_data.export_member(session, shop_id, member) if member is not None else {})}
    export = PrivacyExport(shop_id=shop_id, member_id=member.id if member else None, request_ref=request_ref[:64],
                           source=source, found=member is not None, data=data, created_at=now)
    session.add(export)
    session.flush()
    return export
