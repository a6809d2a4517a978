"""`loyalty shops add|list`: register shops from the command line (custom apps, self-hosted stores)."""

from __future__ import annotations

import click

from app.cli import Context, emit, pass_context
from app.queries import shop_summary
from app.repositories import ShopRepository
from app.services.connection import record_unchecked
from app.services.shops import NewShop, add_shop

CHECK_HINT = (
    "its webhooks are registered by the worker's connection check within minutes "
    "(now: loyalty worker --once --job check_connections)"
)


def register(cli: click.Group) -> None:
    @cli.group()
    def shops() -> None:
        """Shops using the program."""

    @shops.group("add")
    def add() -> None:
        """Register a shop."""

    @add.command("shopify")
    @click.argument("domain")
    @click.option(
        "--access-token", help="Admin API token of a custom app (the install flow stores it otherwise)."
    )
    @click.option("--name", default="", help="The shop's name in emails, pages and the widget (default: its address, "
                  "until the platform tells the real one).")
    @click.option("--currency", default="EUR", show_default=True)
    @click.option("--locale", type=click.Choice(["de", "en"]), default="de", show_default=True)
    @pass_context
    def add_shopify(
        ctx: Context, domain: str, access_token: str | None, name: str, currency: str, locale: str
    ) -> None:
        """Register a Shopify shop by its myshopify.com DOMAIN (webhooks are signed with SHOPIFY_API_SECRET)."""
        c = ctx.container
        new = NewShop(
            "shopify", domain, name=name, currency=currency, locale=locale, access_token=access_token
        )
        shop = add_shop(c.uow(), c.box, new, c.clock.now())
        click.echo(f"shop {shop.id} registered: shopify {shop.domain}")
        if access_token:
            record_unchecked(c.uow(), shop.id, c.clock.now())
            click.echo(CHECK_HINT)

    @add.command("woocommerce")
    @click.argument("url")
    @click.option("--webhook-secret", required=True, help="The secret set on the shop's webhooks.")
    @click.option("--consumer-key", required=True)
    @click.option("--consumer-secret", required=True)
    @click.option("--name", default="", help="The shop's name in emails, pages and the widget (default: its address, "
                  "until the platform tells the real one).")
    @click.option("--currency", default="EUR", show_default=True)
    @click.option("--locale", type=click.Choice(["de", "en"]), default="de", show_default=True)
    @pass_context
    def add_woocommerce(
        ctx: Context,
        url: str,
        webhook_secret: str,
        consumer_key: str,
        consumer_secret: str,
        name: str,
        currency: str,
        locale: str,
    ) -> None:
        """Register a WooCommerce shop by its URL, with its REST API keys and webhook secret."""
        c = ctx.container
        new = NewShop(
            "woocommerce",
            url,
            name=name,
            currency=currency,
            locale=locale,
            webhook_secret=webhook_secret,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
        )
        shop = add_shop(c.uow(), c.box, new, c.clock.now())
        click.echo(f"shop {shop.id} registered: woocommerce {shop.domain}")
        record_unchecked(c.uow(), shop.id, c.clock.now())
        click.echo(CHECK_HINT)

    @shops.command("list")
    @click.option("--json", "as_json", is_flag=True)
    @pass_context
    def list_shops(ctx: Context, as_json: bool) -> None:
        """Every shop with its members, orders and points outstanding."""
        with ctx.container.uow() as uow:
            rows = [shop_summary(uow.session, shop) for shop in ShopRepository(uow.session).list()]
        if as_json:
            emit(rows, True)
            return
        if not rows:
            click.echo("no shops yet: `loyalty shops add ...` or `loyalty demo`")
        for r in rows:
            click.echo(
                f"{r['id']:>4}  {r['platform']:<12} {r['domain']:<40} {r['status']:<12} "
                f"members={r['members']} orders={r['orders']} points={r['points_outstanding']}"
            )
