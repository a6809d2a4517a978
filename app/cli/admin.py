"""`loyalty admin-link SHOP`: a signed, single-use, short-lived link that signs the merchant in to the admin page."""

from __future__ import annotations

import click

from app.cli import Context, pass_context
from app.i18n import pick_locale, translate
from app.services.admin_sessions import LINK_MAX_AGE, issue_login_link
from app.services.shops import find_shop


def register(cli: click.Group) -> None:
    @cli.command("admin-link")
    @click.argument("shop")
    @pass_context
    def admin_link(ctx: Context, shop: str) -> None:
        """Print a login link for SHOP (id, myshopify domain or URL); it works once, for a few minutes."""
        c = ctx.container
        locale = pick_locale(find_shop(c.uow(), shop).locale)
        link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, shop)
        click.echo(link)
        # The link alone goes to stdout (for scripts); the note is for the merchant, in the shop's language.
        minutes = int(LINK_MAX_AGE.total_seconds() // 60)
        click.echo(translate("cli.admin_link.valid", locale, minutes=minutes), err=True)
