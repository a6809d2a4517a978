"""`loyalty ledger verify` and `loyalty inbox retry|list`: prove the books, replay failed deliveries."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from app.cli import Context, pass_context, speak
from app.i18n import LOCALES, pick_locale, translate
from app.models import WebhookDelivery
from app.services.inbox import retry_failed_deliveries
from app.services.ledger_audit import verify_ledger
from app.services.shops import find_shop

DELIVERY_STATUSES = ("failed", "processed", "ignored")  # WebhookDelivery.status
LIST_LIMIT = 100


def register(cli: click.Group) -> None:
    @cli.group()
    def ledger() -> None:
        """The points ledger."""

    @ledger.command("verify")
    @click.option("--shop", "shop_ref", help="Only this shop (id, domain or URL).")
    @pass_context
    def verify(ctx: Context, shop_ref: str | None) -> None:
        """Check cached balance == ledger sum and no lot overspent, for every member; exit 1 otherwise."""
        c = ctx.container
        shop_id = find_shop(c.uow(), shop_ref).id if shop_ref else None
        checked, problems = verify_ledger(c.uow(), shop_id)
        for p in problems:
            click.echo(f"shop {p.shop_id} member {p.member_id} <{p.email}>: {p.problem}", err=True)
        if problems:
            click.echo(f"ledger verify FAILED: {len(problems)} problem(s) in {checked} members", err=True)
            sys.exit(1)
        click.echo(f"ledger verify ok: {checked} members, every balance equals its ledger sum")

    @cli.group()
    def inbox() -> None:
        """Stored webhook deliveries."""

    @inbox.command("retry")
    @pass_context
    def retry(ctx: Context) -> None:
        """Apply every failed delivery again."""
        c = ctx.container
        done, failed = retry_failed_deliveries(c.uow, c.webhook_adapters, c.clock.now())
        click.echo(f"retried: {done} processed, {failed} still failing")
        if failed:
            sys.exit(1)

    @inbox.command("list")
    @click.option("--status", type=click.Choice(DELIVERY_STATUSES), default="failed", show_default=True)
    @click.option("--shop", "shop_ref", help="Only this shop (id, domain or URL); its language for the notes.")
    @click.option("--limit", type=click.IntRange(1), default=LIST_LIMIT, show_default=True, help="Rows shown.")
    @click.option("--lang", type=click.Choice(LOCALES),
                  help="Language of the notes (default: the shop's, else English).")
    @pass_context
    def list_deliveries(ctx: Context, status: str, shop_ref: str | None, limit: int, lang: str | None) -> None:
        """Deliveries in a status, newest first."""
        c = ctx.container
        if lang:
            speak(lang)
        shop = find_shop(c.uow(), shop_ref) if shop_ref else None
        locale = lang or (pick_locale(shop.locale) if shop is not None else "en")
        speak(locale)
        where = [WebhookDelivery.status == status]
        if shop is not None:
            where.append(WebhookDelivery.shop_id == shop.id)
        with c.uow() as uow:
            rows = uow.session.scalars(
                select(WebhookDelivery).where(*where).order_by(WebhookDelivery.id.desc()).limit(limit)
            ).all()
            # Counted only when the page is full: the processed deliveries of every shop are many rows.
            total = len(rows) if len(rows) < limit else uow.session.scalar(
                select(func.count()).select_from(WebhookDelivery).where(*where)) or 0
            for r in rows:
                click.echo(
                    f"{r.received_at:%Y-%m-%d %H:%M} shop {r.shop_id} {r.topic:<20} {r.delivery_id} "
                    f"attempts={r.attempts} {r.last_error or ''}"
                )
        if not total:
            click.echo(translate(f"cli.inbox.none_{status}", locale), err=True)  # stdout: the rows alone
        elif total > len(rows):
            click.echo(translate("cli.inbox.more", locale, shown=len(rows), total=total), err=True)
