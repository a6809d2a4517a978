"""`loyalty import`, `loyalty export` and `loyalty campaigns`: history in, CSV out, campaigns run with progress."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click
from tqdm import tqdm

from app.analytics.export import write_export
from app.analytics.importer import import_history, read_files
from app.cli import Context, emit, pass_context
from app.cli.segment_keys import segment_from_key
from app.services.campaigns import create_campaign, get_campaign, list_campaigns, run_campaigns
from app.services.shops import find_shop

ERRORS_SHOWN = 100


def register(cli: click.Group) -> None:
    cli.add_command(import_command)
    cli.add_command(export_command)
    cli.add_command(campaigns)


@click.command("import")
@click.argument("shop")
@click.option("--platform", type=click.Choice(["shopify", "woocommerce"]), required=True)
@click.option("--customers", type=click.File(encoding="utf-8-sig"), help="The platform's customer export (CSV).")
@click.option("--orders", type=click.File(encoding="utf-8-sig"), help="The platform's order export (CSV).")
@click.option("--award-points", is_flag=True, help="Credit past orders with points under today's rules.")
@click.option("--dry-run", is_flag=True, help="Check the files and report; write nothing.")
@pass_context
def import_command(ctx: Context, shop: str, platform: str, customers: Any, orders: Any, award_points: bool,
                   dry_run: bool) -> None:
    """Import historical customers and orders of SHOP from CSV exports; nothing is written if a row is bad."""
    if customers is None and orders is None:
        raise click.UsageError("give --customers, --orders or both")
    c = ctx.container
    found = find_shop(c.uow(), shop)
    plan = read_files(platform, customers, orders, currency=found.currency)
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
                                progress=bar.update)
    click.echo(f"members created {result.members_created}, updated {result.members_updated}; "
               f"orders created {result.orders_created}, already known {result.orders_skipped}; "
               f"points awarded {result.points_awarded}")


@click.command("export")
@click.argument("shop")
@click.argument("what", type=click.Choice(["members", "ledger", "segment"]))
@click.argument("key", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the CSV to this file (without it, or with -: to standard output).")
@pass_context
def export_command(ctx: Context, shop: str, what: str, key: str | None, output: Path | None) -> None:
    """Write members, the ledger or a segment (KEY: A, B, C, an RFM group, tier:<key>, all) of SHOP as CSV,
    to standard output (to pipe it) or to a file; the count of rows goes to standard error."""
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
