"""`loyalty members show SHOP EMAIL`: a member's balance, pending points, tier, lots and ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import Context, emit, pass_context, speak
from app.i18n import LOCALES, pick_locale, translate
from app.models import Order, PointLot
from app.queries import member_detail
from app.services.shops import find_shop
from app.services.tiers import member_tier

LEDGER_SHOWN = 30
# Dates as each language writes them (times are UTC, as stored).
DATE_FORMATS = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}


def register(cli: click.Group) -> None:
    @cli.group()
    def members() -> None:
        """Members of a shop."""

    @members.command("show")
    @click.argument("shop")
    @click.argument("email")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.option("--lang", type=click.Choice(LOCALES), default=None,
                  help="Language of the labels, the tier's name and errors (default: the shop's).")
    @pass_context
    def show(ctx: Context, shop: str, email: str, as_json: bool, lang: str | None) -> None:
        """Show one member of SHOP (id, domain or URL) by EMAIL."""
        c = ctx.container
        if lang:
            speak(lang)
        found = find_shop(c.uow(), shop)
        locale = pick_locale(lang, found.locale)
        speak(locale)
        with c.uow() as uow:
            detail = member_detail(uow.session, found, email, c.clock.now(), locale)
            add_lot_states(uow.session, found.id, detail)
        status = member_tier(c.uow(), found.id, detail["member_id"], c.clock.now(), locale)["status"]
        current = status["current"] if status else None
        # None: the shop has no tier programme, or the member has not reached its first tier.
        detail["tier"] = {"key": current["key"], "name": current["name"]} if current else None
        if as_json:
            emit(detail, True)
            return
        print_member(detail, locale)


def add_lot_states(session: Session, shop_id: int, detail: dict[str, Any]) -> None:
    """Each lot's `state`: pending, available, or, once nothing is left of it, expired, taken_back (its order was
    refunded or cancelled: the order holds no points any more) or used_up (redeemed, or taken back otherwise)."""
    expired = {entry["source"] for entry in detail["ledger"] if entry["kind"] == "expire"}
    used_up = [lot["id"] for lot in detail["lots"] if lot["remaining"] == 0]
    orders = dict(session.execute(
        select(PointLot.id, Order.is_cancelled).join(Order, Order.id == PointLot.order_id)
        .where(PointLot.shop_id == shop_id, PointLot.id.in_(used_up), Order.points_earned <= 0)
    ).all()) if used_up else {}
    for lot in detail["lots"]:
        if lot["remaining"] > 0:
            lot["state"] = "pending" if lot["pending"] else "available"
        elif f"lot:{lot['id']}" in expired:
            lot["state"] = "expired"
        elif lot["id"] in orders:
            lot["state"] = "taken_back"
            lot["order_cancelled"] = bool(orders[lot["id"]])
        else:
            lot["state"] = "used_up"


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
        click.echo(f"  #{lot['id']} {lot['remaining']}/{lot['points']} {lot_text(lot, locale)}")
    click.echo(translate("cli.members.ledger", locale))
    for entry in detail["ledger"][:LEDGER_SHOWN]:
        click.echo(f"  {cli_date(entry['at'], locale, with_time=True)} {entry['delta']:+6d}  {entry['text']}")


def lot_text(lot: dict[str, Any], locale: str) -> str:
    """`verfügbar verfällt 01.09.2026`, `ausstehend bis 15.09.2025 …`, `zurückgenommen (Bestellung erstattet)`."""
    state = lot["state"]
    if state == "taken_back":
        return translate(f"cli.members.lot_taken_back_{'cancelled' if lot['order_cancelled'] else 'refunded'}",
                         locale)
    if state in ("expired", "used_up"):
        return translate(f"cli.members.lot_{state}", locale)
    words = [translate("cli.members.lot_available", locale)] if state == "available" else [
        translate("cli.members.lot_pending_until", locale, date=cli_date(lot["available_at"], locale))]
    words.append(translate("cli.members.lot_expires", locale, date=cli_date(lot["expires_at"], locale))
                 if lot["expires_at"] else translate("cli.members.lot_no_expiry", locale))
    return " ".join(words)


def cli_date(value: str, locale: str, *, with_time: bool = False) -> str:
    """An ISO timestamp as `locale` writes the day (`01.09.2025`, `2025-09-01`), with hours and minutes if asked."""
    moment = datetime.fromisoformat(value)
    pattern = DATE_FORMATS.get(locale, DATE_FORMATS["en"]) + (" %H:%M" if with_time else "")
    return moment.strftime(pattern)
