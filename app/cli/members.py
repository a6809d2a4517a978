"""`loyalty members show SHOP EMAIL`: a member's balance, pending points, tier, lots and ledger."""

from __future__ import annotations

import click

from app.cli import Context, emit, pass_context
from app.i18n import LOCALES, pick_locale
from app.queries import member_detail
from app.services.shops import find_shop
from app.services.tiers import member_tier


def register(cli: click.Group) -> None:
    @cli.group()
    def members() -> None:
        """Members of a shop."""

    @members.command("show")
    @click.argument("shop")
    @click.argument("email")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.option("--lang", type=click.Choice(LOCALES), default=None,
                  help="Language of the tier's name (default: the shop's).")
    @pass_context
    def show(ctx: Context, shop: str, email: str, as_json: bool, lang: str | None) -> None:
        """Show one member of SHOP (id, domain or URL) by EMAIL."""
        c = ctx.container
        found = find_shop(c.uow(), shop)
        with c.uow() as uow:
            detail = member_detail(uow.session, found, email, c.clock.now())
        locale = pick_locale(lang, found.locale)
        status = member_tier(c.uow(), found.id, detail["member_id"], c.clock.now(), locale)["status"]
        current = status["current"] if status else None
        # None: the shop has no tier programme, or the member has not reached its first tier.
        detail["tier"] = {"key": current["key"], "name": current["name"]} if current else None
        if as_json:
            emit(detail, True)
            return
        click.echo(f"{detail['name']} <{detail['email']}>  member {detail['member_id']}")
        click.echo(
            f"balance {detail['balance']}  pending {detail['pending']}  spendable {detail['spendable']}"
        )
        tier = detail["tier"]
        click.echo(f"tier {tier['name']} ({tier['key']})" if tier else "tier none")
        click.echo("lots:")
        for lot in detail["lots"]:
            state = "pending" if lot["pending"] else "available"
            click.echo(
                f"  #{lot['id']} {lot['remaining']}/{lot['points']} {state} expires {lot['expires_at'] or '-'}"
            )
        click.echo("ledger (newest first):")
        for entry in detail["ledger"][:30]:
            click.echo(
                f"  {entry['at'][:19]} {entry['delta']:+6d} {entry['kind']:<8} {entry['reason']} {entry['source']}"
            )
