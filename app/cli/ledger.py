"""`loyalty ledger verify` and `loyalty inbox retry|list`: prove the books, replay failed deliveries."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from app.cli import Context, pass_context
from app.models import WebhookDelivery
from app.services.inbox import retry_failed_deliveries
from app.services.ledger_audit import verify_ledger
from app.services.shops import find_shop


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
    @click.option("--status", default="failed", show_default=True)
    @pass_context
    def list_deliveries(ctx: Context, status: str) -> None:
        """Deliveries in a status, newest first."""
        with ctx.container.uow() as uow:
            rows = uow.session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.status == status)
                .order_by(WebhookDelivery.id.desc())
                .limit(100)
            ).all()
            for r in rows:
                click.echo(
                    f"{r.received_at:%Y-%m-%d %H:%M} shop {r.shop_id} {r.topic:<20} {r.delivery_id} "
                    f"attempts={r.attempts} {r.last_error or ''}"
                )
