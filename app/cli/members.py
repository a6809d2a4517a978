"""`loyalty members show SHOP EMAIL`: a member's balance, pending points, tier, lots and ledger."""

from __future__ import annotations

from typing import Any

import click

from app.cli import Context, emit, pass_context
from app.i18n import LOCALES, pick_locale, translate
from app.queries import member_detail
from app.services.shops import find_shop
from app.services.tiers import member_tier

LEDGER_SHOWN = 30


def register(cli: click.Group) -> None:
    @cli.group()
    def members() -> None:
        """Members of a shop."""

    @members.command("show")
    @click.argument("shop")
    @click.argument("email")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.option("--lang", type=click.Choice(LOCALES), default=None,
                  help="Language of the labels and the tier's name (default: the shop's).")
    @pass_context
    def show(ctx: Context, shop: str, email: str, as_json: bool, lang: str | None) -> None:
        """Show one member of SHOP (id, domain or URL) by EMAIL."""
        c = ctx.container
        found = find_shop(c.uow(), shop)
        locale = pick_locale(lang, found.locale)
        with c.uow() as uow:
            detail = member_detail(uow.session, found, email, c.clock.now(), locale)
        status = member_tier(c.uow(), found.id, detail["member_id"], c.clock.now(), locale)["status"]
        current = status["current"] if status else None
        # None: the shop has no tier programme, or the member has not reached its first tier.
        detail["tier"] = {"key": current["key"], "name": current["name"]} if current else None
        if as_json:
            emit(detail, True)
            return
        print_member(detail, locale)


def print_member(detail: dict[str, Any], locale: str) -> None:
    """The member as readable lines, labelled in `locale`; the ledger's reasons as the admin page words them."""
    member = translate("cli.members.member", locale, id=detail["member_id"])
    click.echo(f"{detail['name']} <{detail['email']}>  {member}")
    click.echo(translate("cli.members.points", locale, balance=detail["balance"], pending=detail["pending"],
                         spendable=detail["spendable"]))
    tier = detail["tier"]
    click.echo(translate("cli.members.tier", locale, name=tier["name"], code=tier["key"]) if tier
               else translate("cli.members.no_tier", locale))
    click.echo(translate("cli.members.lots", locale))
    for lot in detail["lots"]:
        state = translate(f"cli.members.lot_{'pending' if lot['pending'] else 'available'}", locale)
        expires = translate("cli.members.lot_expires", locale, date=lot["expires_at"] or "-")
        click.echo(f"  #{lot['id']} {lot['remaining']}/{lot['points']} {state} {expires}")
    click.echo(translate("cli.members.ledger", locale))
    for entry in detail["ledger"][:LEDGER_SHOWN]:
        click.echo(
            f"  {entry['at'][:19]} {entry['delta']:+6d}  {entry['text']}"
        )
