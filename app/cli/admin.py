"""`loyalty admin-link SHOP`: a signed, single-use, short-lived link that signs the merchant in to the admin page."""

from __future__ import annotations

import click

from app.cli import Context, pass_context
from app.services.admin_sessions import LINK_MAX_AGE, issue_login_link


def register(cli: click.Group) -> None:
    @cli.command("admin-link")
    @click.argument("shop")
    @pass_context
    def admin_link(ctx: Context, shop: str) -> None:
        """Print a login link for SHOP (id, myshopify domain or URL); it works once, for a few minutes."""
        c = ctx.container
        link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, shop)
        click.echo(link)
        minutes = int(LINK_MAX_AGE.total_seconds() // 60)
        click.echo(f"valid once, for {minutes} minutes", err=True)
