"""Campaigns: one action (bonus points, a coupon, a message) for every member of a segment, run in batches.

The first batch snapshots the segment into `campaign_recipients` (one INSERT ... SELECT in the database,
unique per campaign and member, so the segment is computed once, not per batch). Every later batch is one
transaction: the campaign row is claimed, the next pending recipients are taken in member-id order, each
member is locked, the action is done and the recipient's outcome written with it. Running a campaign
twice, or a batch again after a crash, therefore reaches every member once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.analytics.dialect import dialect_of, tune_for_analytics
from app.analytics.segments import parse_segment, segment_select, segment_size
from app.analytics.settings import from_program
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.rewards import coupon_label
from app.i18n import pick_locale
from app.mail.render import RenderedEmail
from app.models import Campaign, CampaignRecipient, Member, Shop
from app.repositories import MemberRepository, ShopRepository
from app.services import ledger
from app.services.campaign_params import MESSAGE_KIND, check_params, message_for, message_texts, title_for
from app.services.coupons import CouponTerms, issue_coupon
from app.services.email_content import render_kind, sample_context
from app.services.email_settings import get_config
from app.services.ledger import Posting
from app.services.messages import enqueue, receivers
from app.services.program import award_expiry
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

RUNNABLE = ("queued", "running")
BATCH_SIZE = 200


class CampaignFinished(Conflict):
    """The campaign is done or cancelled already, so there is nothing left to cancel."""

    reason = "campaign_finished"
    message = "This campaign has already finished."


def preview_segment(uow: UnitOfWork, shop_id: int, segment: dict[str, Any], action: str = "bonus") -> dict[str, Any]:
    """How many members a campaign on this segment would reach now (`count`), of the segment's `members`.

    Bonus points and coupons reach everyone in the segment; a message only those `enqueue` would send it to
    (an address, marketing consent, not unsubscribed, messages on): the rule the run applies member by member.
    """
    definition = parse_segment(segment)
    with uow:
        session = uow.session
        tune_for_analytics(session)
        shares = _shares(session, shop_id)
        members = segment_size(session, shop_id, definition, shares)
        if action != "message":
            return {"count": members, "members": members, "consent_only": False}
        chosen = segment_select(session, shop_id, definition, shares).subquery()
        reached = session.scalar(select(func.count()).select_from(Member).where(
            Member.id.in_(select(chosen.c.member_id)), *receivers(shop_id, MESSAGE_KIND, get_config(session, shop_id))))
        return {"count": int(reached or 0), "members": members, "consent_only": True}


def preview_message(
    uow: UnitOfWork, shop_id: int, *, subject: Any, body: Any, locale: str, now: datetime
) -> tuple[str, RenderedEmail]:
    """A message campaign's email as a (made-up) member reading `locale` receives it, with the merchant's unsaved
    texts (strings, or per language); returns the language it is written in, and the email.

    Texts with faulty placeholders are refused as starting the campaign refuses them (the errors under
    `subject` and `body`, per language); empty texts are not, as the merchant may not have written them yet.
    """
    checked = message_texts(subject, body, required=False)
    with uow:
        shop = uow.session.get(Shop, shop_id)
        if shop is None:
            raise NotFound()
        written_in, texts = message_for(checked, locale, shop.locale)
        config = get_config(uow.session, shop_id)
        context = {**sample_context(shop, written_in, MESSAGE_KIND, config, now=now), **texts}
        return written_in, render_kind(MESSAGE_KIND, written_in, context, config)


def create_campaign(
    uow: UnitOfWork, shop_id: int, *, name: str, segment: dict[str, Any], action: str,
    params: dict[str, Any], actor: str, now: datetime,
) -> dict[str, Any]:
    """Queue a campaign for the worker (who started it is recorded); its size is counted now.

    The segment's field errors come under `segment`, so they stay apart from the action's (a coupon has a
    `value` too).
    """
    try:
        definition = parse_segment(segment)
    except InvalidInput as exc:
        raise InvalidInput(str(exc), errors={"segment": exc.errors}) from None
    with uow:
        shop = uow.session.get(Shop, shop_id)
        checked = check_params(action, params, shop.currency if shop is not None else None)
        tune_for_analytics(uow.session)
        total = segment_size(uow.session, shop_id, definition, _shares(uow.session, shop_id))
        campaign = Campaign(
            shop_id=shop_id, name=(name or action)[:120], segment=definition, action=action, params=checked,
            status="queued", total=total, processed=0, succeeded=0, skipped=0, failed=0, started_by=actor,
            created_at=now,
        )
        uow.session.add(campaign)
        uow.session.flush()
        result = campaign_dict(campaign)
        uow.commit()
        return result


def run_campaign_batch(uow: UnitOfWork, now: datetime, *, campaign_id: int | None = None,
                       batch_size: int = BATCH_SIZE) -> dict[str, Any] | None:
    """Reach the next batch of one runnable campaign (the oldest, or `campaign_id`); None when none is runnable."""
    with uow:
        session = uow.session
        query = select(Campaign).where(Campaign.status.in_(RUNNABLE)).order_by(Campaign.id)
        if campaign_id is not None:
            query = query.where(Campaign.id == campaign_id)
        campaign = session.scalars(query.limit(1).with_for_update(skip_locked=True)).first()
        if campaign is None:
            return None
        if campaign.status == "queued":
            _snapshot(session, campaign, now)
        else:
            _run_batch(session, campaign, batch_size, now)
        result = campaign_dict(campaign)
        uow.commit()
        return result


def run_campaigns(uow_factory: Callable[[], UnitOfWork], now: datetime, *, campaign_id: int | None = None,
                  batch_size: int = BATCH_SIZE, on_progress: Callable[[dict[str, Any]], None] | None = None) -> int:
    """Run batches until no campaign (or the given one) is runnable; returns the batches run (worker job, CLI)."""
    batches = 0
    while (progress := run_campaign_batch(uow_factory(), now, campaign_id=campaign_id,
                                          batch_size=batch_size)) is not None:
        batches += 1
        if on_progress is not None:
            on_progress(progress)
    return batches


def get_campaign(uow: UnitOfWork, shop_id: int, campaign_id: int) -> dict[str, Any]:
    """One campaign with its progress; NotFound for another shop's id."""
    with uow:
        campaign = uow.session.get(Campaign, campaign_id)
        if campaign is None or campaign.shop_id != shop_id:
            raise NotFound("unknown campaign")
        return campaign_dict(campaign)


def list_campaigns(uow: UnitOfWork, shop_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The shop's campaigns, newest first."""
    with uow:
        rows = uow.session.scalars(
            select(Campaign).where(Campaign.shop_id == shop_id).order_by(Campaign.id.desc()).limit(limit))
        return [campaign_dict(c) for c in rows]


def cancel_campaign(uow: UnitOfWork, shop_id: int, campaign_id: int, now: datetime) -> dict[str, Any]:
    """Stop a queued or running campaign before its remaining batches; members already reached keep what they got.

    NotFound for another shop's id; CampaignFinished when it is done or cancelled already.
    """
    with uow:
        campaign = uow.session.scalars(select(Campaign).where(
            Campaign.id == campaign_id, Campaign.shop_id == shop_id).with_for_update()).first()
        if campaign is None:
            raise NotFound("unknown campaign")
        if campaign.status not in RUNNABLE:
            raise CampaignFinished()
        campaign.status, campaign.finished_at = "cancelled", now
        result = campaign_dict(campaign)
        uow.commit()
        return result


def campaign_dict(c: Campaign) -> dict[str, Any]:
    """A campaign as the admin page and the CLI show it."""
    percent = 100 if c.status == "done" else (min(99, c.processed * 100 // c.total) if c.total else 0)
    return {
        "id": c.id, "name": c.name, "segment": c.segment, "action": c.action, "params": c.params,
        "status": c.status, "total": c.total, "processed": c.processed, "succeeded": c.succeeded,
        "skipped": c.skipped, "failed": c.failed, "percent": percent, "started_by": c.started_by,
        "created_at": c.created_at.isoformat(), "finished_at": c.finished_at.isoformat() if c.finished_at else None,
        "last_error": c.last_error,
    }


def _shares(session: Session, shop_id: int) -> tuple[Decimal, Decimal]:
    options = from_program(ShopRepository(session).settings(shop_id))
    return options.a_share, options.b_share


def _snapshot(session: Session, campaign: Campaign, now: datetime) -> None:
    """Who the campaign reaches: the segment as it is now, written as pending recipients by the database."""
    tune_for_analytics(session)
    members = segment_select(session, campaign.shop_id, campaign.segment, _shares(session, campaign.shop_id))
    ids = members.subquery()
    rows = select(literal(campaign.shop_id), literal(campaign.id), ids.c.member_id, literal("pending"),
                  literal(""), literal(now, CampaignRecipient.created_at.type)).where(ids.c.member_id.is_not(None))
    # (SQLite needs a WHERE in INSERT ... SELECT ... ON CONFLICT to tell the upsert clause from a join.)
    module = postgresql if dialect_of(session) == "postgresql" else sqlite
    session.execute(
        module.insert(CampaignRecipient)
        .from_select(["shop_id", "campaign_id", "member_id", "outcome", "detail", "created_at"], rows)
        .on_conflict_do_nothing(index_elements=["campaign_id", "member_id"])
    )
    campaign.total = session.scalar(select(func.count()).select_from(CampaignRecipient).where(
        CampaignRecipient.shop_id == campaign.shop_id, CampaignRecipient.campaign_id == campaign.id)) or 0
    campaign.status = "running"
    campaign.started_at = campaign.started_at or now


def _run_batch(session: Session, campaign: Campaign, batch_size: int, now: datetime) -> None:
    shop = ShopRepository(session).get(campaign.shop_id)
    assert shop is not None
    pending = session.scalars(
        select(CampaignRecipient)
        .where(CampaignRecipient.shop_id == campaign.shop_id, CampaignRecipient.campaign_id == campaign.id,
               CampaignRecipient.outcome == "pending")
        .order_by(CampaignRecipient.member_id)
        .limit(batch_size)
    ).all()
    for recipient in pending:  # member-id order: the lock order every path keeps
        _reach(session, shop, campaign, recipient, now)
    if len(pending) < batch_size:
        campaign.status, campaign.finished_at = "done", now


def _reach(session: Session, shop: Shop, campaign: Campaign, recipient: CampaignRecipient, now: datetime) -> None:
    member = MemberRepository(session, shop.id).get_for_update(recipient.member_id)
    if member is None or member.redacted_at is not None:
        outcome, detail = "skipped", "member gone"
    else:
        try:
            with session.begin_nested():
                outcome, detail = _act(session, shop, campaign, member, now)
        except Exception as exc:  # one member's failure must not stop the campaign; it is counted and shown
            log.exception("campaign action failed", extra={"shop_id": shop.id, "campaign_id": campaign.id})
            outcome, detail = "failed", str(exc)[:255]
            campaign.last_error = detail
    recipient.outcome, recipient.detail = outcome, detail
    campaign.processed += 1
    if outcome == "done":
        campaign.succeeded += 1
    elif outcome == "skipped":
        campaign.skipped += 1
    else:
        campaign.failed += 1


def _act(session: Session, shop: Shop, campaign: Campaign, member: Member, now: datetime) -> tuple[str, str]:
    key = f"campaign:{campaign.id}:{member.id}"
    params = campaign.params
    if campaign.action == "bonus":
        expires_at = award_expiry(session, shop.id, now)
        posting = Posting("bonus", params.get("reason") or "campaign", "campaign", str(campaign.id),
                          actor=campaign.started_by, idempotency_key=key)
        ledger.credit(session, member, int(params["points"]), posting, now=now, expires_at=expires_at)
        return "done", f"{params['points']} points"
    if campaign.action == "coupon":
        value = Decimal(params["value"])
        # the shopper reads the title (My rewards, the coupon's email): the merchant's, else what it gives, in
        # the member's language; never the campaign's name, which is the merchant's own
        title = title_for(params.get("title"), member.locale, shop.locale) or coupon_label(
            params["kind"], value, pick_locale(member.locale, shop.locale), shop.currency)
        terms = CouponTerms(params["kind"], value,
                            Decimal(params["minimum_order"]) if params.get("minimum_order") else None,
                            int(params["validity_days"]), title)
        coupon = issue_coupon(session, shop, member, terms, source="campaign", idempotency_key=key, now=now)
        return "done", coupon.code
    written_in, texts = message_for(params, member.locale, shop.locale)
    message = enqueue(session, shop, member, MESSAGE_KIND, due_at=now, dedupe_key=key, now=now, locale=written_in,
                      context={**texts, "campaign_id": campaign.id})
    return ("done", "queued") if message is not None else ("skipped", "no consent or messages off")
