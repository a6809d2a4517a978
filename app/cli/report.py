"""`loyalty report SHOP [--from DATE --to DATE] [--json] [--lang]`: the retention figures and the A/B/C segments."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import click
from babel import Locale
from babel.numbers import format_decimal, format_percent

from app.analytics.report import SECTIONS, report_for
from app.cli import Context, emit, pass_context, speak
from app.domain import rewards
from app.domain.errors import InvalidInput
from app.i18n import LOCALES, pick_locale, translate
from app.i18n.validation import localize
from app.services.shops import find_shop


def register(cli: click.Group) -> None:
    @cli.command("report")
    @click.argument("shop")
    @click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="First UTC day (default: a year ago).")
    @click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]),
                  help="Last UTC day, included (default and at most: today).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.option("--lang", type=click.Choice(LOCALES),
                  help="Language of labels, definitions and errors (default: the shop's).")
    @pass_context
    def report(ctx: Context, shop: str, first: Any, last: Any, as_json: bool, lang: str | None) -> None:
        """Retention, value and programme figures of SHOP for a period, each with its definition, and the
        A/B/C segments."""
        c = ctx.container
        if lang:
            speak(lang)
        found = find_shop(c.uow(), shop)
        locale = pick_locale(lang, found.locale)
        speak(locale)
        try:
            data = report_for(c.uow(), found, _day(first), _day(last), c.clock.now(), locale, with_segments=True)
        except InvalidInput as exc:
            # The API's German for the domain's messages; click's "Invalid value:" prefix would stay English.
            raise click.UsageError(localize(str(exc), locale)) from exc
        if as_json:
            emit(data, True)
            return
        print_table(data, locale)


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


def print_table(data: dict[str, Any], locale: str) -> None:
    """The figures as a readable table, with each definition under its line."""
    currency = data["shop"]["currency"]
    click.echo(f"{data['shop']['domain']}  {data['period']['from']} – {data['period']['to']}")
    for section, keys in SECTIONS.items():
        click.echo("")
        click.secho(translate(f"cli.report.section.{section}", locale), bold=True)
        for key in keys:
            figure = data["figures"][key]
            click.echo(f"  {figure['label']:<42} {format_value(figure, currency, locale):>14}")
            click.secho(f"    {figure['definition']}", dim=True)
    if "segments" in data:
        _print_segments(data["segments"], currency, locale)
    _print_forecast(data, currency, locale)


def _print_segments(segments: dict[str, Any], currency: str, locale: str) -> None:
    click.echo("")
    click.secho(translate("cli.report.section.segments", locale), bold=True)
    for row in segments["abc"]:
        count = row["members"]
        members = translate(f"cli.report.members.{'one' if count == 1 else 'other'}", locale, count=count)
        click.echo(f"  {row['label']:<42} {members:>14} {format_money(row['revenue'], currency, locale):>14}")
    click.secho(f"    {segments['definition']}", dim=True)


def _print_forecast(data: dict[str, Any], currency: str, locale: str) -> None:
    click.echo("")
    click.secho(translate("cli.report.section.forecast", locale), bold=True)
    points = translate("cli.report.points", locale)
    for row in data["charts"]["liability"]:
        click.echo(f"  {row['month']}  {row['points']:>10} {points}  {format_money(row['amount'], currency, locale)}")


def format_value(figure: dict[str, Any], currency: str, locale: str) -> str:
    """A figure's value as the report's language writes it ("119,00 €", "100,0 %"; "€119.00", "100.0%");
    "–" when it cannot be computed (e.g. no customers at the start). `--json` keeps the plain numbers."""
    value = figure["value"]
    if value is None:
        return "–"
    unit = figure["unit"]
    if unit == "percent":
        return format_percentage(value, locale)
    if unit == "money":
        return format_money(value, currency, locale)
    if isinstance(value, int | str) and str(value).lstrip("-").isdigit():
        return str(value)  # counts and points: no thousands separator, as `--json` and the ledger print them
    if unit in ("ratio", "years"):  # two places always: "1,00" orders per customer, not "1" beside "1,46"
        return _plain(format_decimal(Decimal(str(value)), "#,##0.00", locale=locale))
    return _plain(format_decimal(Decimal(str(value)), locale=locale))


def format_money(value: Any, currency: str, locale: str) -> str:
    """An amount with the currency where the locale puts it: "1.234,50 €" (de), "€1,234.50" (en)."""
    return _plain(rewards.format_money(Decimal(str(value)), locale, currency))


TENTH = Decimal("0.1")


def format_percentage(value: Any, locale: str) -> str:
    """A value already in percent (50.00 means half) with one decimal: "50,0 %" (de), "50.0%" (en).

    Rounded half up, as the figures are and as the dashboard shows them: Babel rounds half to even, so 5 of 11
    (45.45) printed "45,4 %" here and "45,5 %" on the dashboard."""
    shown = Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    return _plain(format_percent(shown / 100, pattern, locale=locale))


def _plain(text: str) -> str:
    # CLDR puts no-break spaces before € and %; a terminal shows them as spaces, but grep and scripts look for one.
    return text.replace("\xa0", " ").replace("\u202f", " ")
