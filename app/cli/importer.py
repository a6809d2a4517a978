"""`loyalty import`, `loyalty export` and `loyalty campaigns`: history in, CSV out, campaigns run with progress."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from tqdm import tqdm

from app.analytics.csv_formats import UnreadableExport, decode_export
from app.analytics.export import write_export
from app.analytics.importer import BATCH, ImportResult, import_history, read_files
from app.cli import Context, emit, pass_context
from app.cli.segment_keys import segment_from_key
from app.services.campaigns import create_campaign, get_campaign, list_campaigns, run_campaigns
from app.services.shops import find_shop

ERRORS_SHOWN = 100


def register(cli: click.Group) -> None:
    cli.add_command(import_command)
    cli.add_command(export_command)
    cli.add_command(campaigns)


IMPORT_HELP = """Import historical customers and orders of SHOP from the platform's CSV exports.

The files are checked completely first: every bad row is listed (file, row, column) and nothing is written. A good
file is then written in batches, each in a transaction of its own (--batch-size rows), so a webhook that arrives
meanwhile waits for one batch at most. An interrupted import is continued by running it again with the same
files: members and orders already there are recognised, and known orders without a member are linked to the
member found now (and credited, with --award-points).

The files may be UTF-8 (with or without BOM) or Windows-1252, with commas, semicolons or tabs between the columns
(what Excel writes, e.g. German Excel's "CSV (Trennzeichen-getrennt)"). WooCommerce's export writes the shop's
local time without an offset: --timezone names the shop's time zone (e.g. Europe/Berlin; default UTC), unless the
file has an order_date_gmt column.

--award-points credits past orders under today's rules, each dated on its payment, so they expire as the shop's
expiry rule says. Orders whose points would already have expired by now (after the expiry period, or under the
inactivity rule after as long without a purchase) get none: they are imported without points and counted as too
old. Members are placed in the tier their history reaches without a tier email or entry reward (it is history,
not news), imported orders bring no thank-you email or next-purchase coupon, and points that an import credits
within their expiry reminder window get no reminder. Orders no member can be found for (Shopify's export names the
customer by email only: import the customer export too) are counted in a warning; a later run with the customers
links and credits them."""


@click.command("import", help=IMPORT_HELP)
@click.argument("shop")
@click.option("--platform", type=click.Choice(["shopify", "woocommerce"]), required=True)
@click.option("--customers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The platform's customer export (CSV).")
@click.option("--orders", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The platform's order export (CSV).")
@click.option("--award-points", is_flag=True,
              help="Credit past orders with points under today's rules (not those whose points would have expired).")
@click.option("--dry-run", is_flag=True, help="Check the files and report; write nothing.")
@click.option("--timezone", "zone", default="UTC", show_default=True,
              help="Time zone of times written without an offset (WooCommerce: the shop's, e.g. Europe/Berlin).")
@click.option("--batch-size", type=click.IntRange(min=1), default=BATCH, show_default=True,
              help="Customers or orders written per transaction.")
@pass_context
def import_command(ctx: Context, shop: str, platform: str, customers: Path | None, orders: Path | None,
                   award_points: bool, dry_run: bool, zone: str, batch_size: int) -> None:
    if customers is None and orders is None:
        raise click.UsageError("give --customers, --orders or both")
    timezone = _timezone(zone)
    c = ctx.container
    found = find_shop(c.uow(), shop)
    texts = {name: _read_export(name, path) for name, path in (("customers", customers), ("orders", orders))}
    plan = read_files(platform, texts["customers"], texts["orders"], currency=found.currency, timezone=timezone)
    for note in plan.notes:
        click.echo(note)
    if plan.errors:
        for error in plan.errors[:ERRORS_SHOWN]:
            click.echo(str(error), err=True)
        more = len(plan.errors) - ERRORS_SHOWN
        click.echo(f"{len(plan.errors)} error(s){f' ({more} more not shown)' if more > 0 else ''}; "
                   "nothing was imported", err=True)
        sys.exit(1)
    click.echo(f"{len(plan.customers)} customers and {len(plan.orders)} orders are valid")
    if dry_run:
        click.echo("dry run: nothing was written")
        return
    with tqdm(total=len(plan.customers) + len(plan.orders), unit="rows", desc="import") as bar:
        result = import_history(c.uow(), found.id, plan, award_points=award_points, now=c.clock.now(),
                                progress=bar.update, batch_size=batch_size)
    _summary(result, award_points, customers is not None)


def _timezone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{name!r} is no time zone: a name like Europe/Berlin",
                                 param_hint="--timezone") from None


def _read_export(name: str, path: Path | None) -> TextIO | None:
    """The file's text: UTF-8, else Windows-1252 (said so); a file that is neither is one line naming it."""
    if path is None:
        return None
    try:
        text, encoding = decode_export(path.read_bytes())
    except UnreadableExport as exc:
        raise click.ClickException(f"{name} file {path}: {exc}") from None
    if encoding != "UTF-8":
        click.echo(f"{name}: {path.name} is not UTF-8, read as {encoding}")
    return io.StringIO(text)


def _summary(result: ImportResult, award_points: bool, customers_given: bool) -> None:
    linked = f" ({result.orders_linked} of them linked to their member now)" if result.orders_linked else ""
    click.echo(f"members created {result.members_created}, updated {result.members_updated}; "
               f"orders created {result.orders_created}, already known {result.orders_skipped}{linked}; "
               f"points awarded {result.points_awarded}")
    if result.orders_too_old:
        old = result.orders_too_old
        click.echo(f"{old} order{'s' if old != 1 else ''} too old: {'their' if old != 1 else 'its'} points would "
                   "already have expired under the shop's expiry rule, so none were awarded")
    unlinked = result.orders_without_member
    if not unlinked:
        return
    told = (f"{unlinked} paid order{'s have' if unlinked != 1 else ' has'} no member to credit: no customer id, "
            "and no member with the same email")
    if not award_points:
        click.echo(told.replace("to credit", "to link to"))
        return
    hint = (" (guest orders, or customers the customer export lacks)" if customers_given else
            "; import the customer export too (--customers) and then these orders again: known orders are then "
            "linked to their members and credited")
    click.echo(f"warning: {told}{hint}", err=True)


@click.command("export")
@click.argument("shop")
@click.argument("what", type=click.Choice(["members", "ledger", "segment"]))
@click.argument("key", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the CSV to this file (without it, or with -: to standard output).")
@pass_context
def export_command(ctx: Context, shop: str, what: str, key: str | None, output: Path | None) -> None:
    """Write members, the ledger or a segment (KEY: A, B, C, an RFM group, tier:<key>, all) of SHOP as CSV
    (UTF-8 with a byte order mark, so Excel shows umlauts), to standard output (to pipe it) or to a file; the count
    of rows goes to standard error."""
    if what == "segment" and not key:
        raise click.UsageError("segment needs a KEY (A, B, C, champions, at_risk, ..., tier:gold, all)")
    c = ctx.container
    found = find_shop(c.uow(), shop)
    segment = segment_from_key(c.uow(), found.id, key) if what == "segment" and key else None
    to_stdout = output is None or str(output) == "-"
    with _csv_stream(None if to_stdout else output) as handle:
        rows = write_export(c.uow(), found.id, what, handle, segment)
    click.echo(f"{rows} rows written" + ("" if to_stdout else f" to {output}"), err=True)


@contextmanager
def _csv_stream(path: Path | None) -> Iterator[TextIO]:
    """The file at `path`, or standard output (None), as UTF-8 text that keeps the CSV's own line ends."""
    if path is not None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        return
    # Standard output's own text layer may not be UTF-8 (a C locale) and would translate line ends.
    with click.open_file("-", "wb") as binary:  # "-": standard output, left open when the block ends
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()  # the wrapper would close standard output with it


@click.group()
def campaigns() -> None:
    """Campaigns for a segment: bonus points, a coupon or a message."""


@campaigns.command("create")
@click.argument("shop")
@click.option("--segment", "key", required=True, help="A, B, C, an RFM group, tier:<key> or all.")
@click.option("--bonus", "points", type=int, help="Bonus points per member.")
@click.option("--subject", help="Message subject in the shop's language (with --body).")
@click.option("--body", help="Message text in the shop's language.")
@click.option("--subject-de", help="Message subject in German (with --body-de): each member gets their language.")
@click.option("--body-de", help="Message text in German.")
@click.option("--subject-en", help="Message subject in English (with --body-en).")
@click.option("--body-en", help="Message text in English.")
@click.option("--name", default="", help="Name shown in the admin page.")
@pass_context
def create(ctx: Context, shop: str, key: str, points: int | None, subject: str | None, body: str | None,
           subject_de: str | None, body_de: str | None, subject_en: str | None, body_en: str | None,
           name: str) -> None:
    """Queue a bonus-points or message campaign (coupons: from the admin page)."""
    c = ctx.container
    found = find_shop(c.uow(), shop)
    languages = {"de": (subject_de, body_de), "en": (subject_en, body_en)}
    action, params = ("bonus", {"points": points}) if points else (
        "message", _message_texts(found.locale, (subject, body), languages))
    segment = segment_from_key(c.uow(), found.id, key)
    created = create_campaign(c.uow(), found.id, name=name, segment=segment, action=action,
                              params=params, actor="cli", now=c.clock.now())
    click.echo(f"campaign {created['id']} queued for {created['total']} members")


def _message_texts(shop_locale: str, plain: tuple[str | None, str | None],
                   languages: dict[str, tuple[str | None, str | None]]) -> dict[str, Any]:
    # One text (the shop's language), or per language when any language is named; the plain options then
    # stand for the shop's language where it was not named too.
    written = {locale: texts for locale, texts in languages.items() if any(text is not None for text in texts)}
    if not written:
        return {"subject": plain[0], "body": plain[1]}
    written.setdefault(shop_locale, plain)
    return {part: {locale: texts[index] or "" for locale, texts in written.items()}
            for index, part in enumerate(("subject", "body"))}


@campaigns.command("run")
@click.option("--id", "campaign_id", type=int, help="Only this campaign (default: every queued one).")
@click.option("--batch-size", type=int, default=200, show_default=True)
@pass_context
def run(ctx: Context, campaign_id: int | None, batch_size: int) -> None:
    """Run queued campaigns now, batch by batch, with a progress bar (the worker does the same every 30 s)."""
    c = ctx.container
    bars: dict[int, tqdm] = {}  # type: ignore[type-arg]

    def show(progress: dict[str, Any]) -> None:
        bar = bars.setdefault(progress["id"], tqdm(total=progress["total"], unit="members",
                                                   desc=f"campaign {progress['id']}"))
        bar.total = max(bar.total or 0, progress["total"])
        bar.update(progress["processed"] - bar.n)

    run_campaigns(c.uow, c.clock.now(), campaign_id=campaign_id, batch_size=batch_size, on_progress=show)
    for bar in bars.values():
        bar.close()
    if campaign_id is not None:
        emit(get_campaign(c.uow(), find_campaign_shop(ctx, campaign_id), campaign_id), False)


@campaigns.command("list")
@click.argument("shop")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def list_command(ctx: Context, shop: str, as_json: bool) -> None:
    """The shop's campaigns with their progress, newest first."""
    c = ctx.container
    rows = list_campaigns(c.uow(), find_shop(c.uow(), shop).id)
    if as_json:
        emit(rows, True)
        return
    for r in rows:
        click.echo(f"#{r['id']} {r['status']:<9} {r['action']:<7} {r['processed']}/{r['total']} "
                   f"ok {r['succeeded']} skipped {r['skipped']} failed {r['failed']}  {r['name']}  "
                   f"by {r['started_by']}")


def find_campaign_shop(ctx: Context, campaign_id: int) -> int:
    """The shop a campaign belongs to (the CLI acts for the operator, across shops)."""
    from app.models import Campaign

    with ctx.container.uow() as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        if campaign is None:
            raise click.BadParameter(f"no campaign {campaign_id}")
        return campaign.shop_id
