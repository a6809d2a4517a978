"""Storefront request authentication for views: rate limits, then the proxy signature → `g.storefront`."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from app.api import container
from app.client_address import client_address
from app.container import Container
from app.db_reads import Reader
from app.domain.errors import RateLimited
from app.domain.shops import account_page_path
from app.platforms.app_proxy import ProxyRequest, claimed_shop
from app.rate_limit import Limit, RateLimiter
from app.services import storefront as service
from app.services.storefront_shops import ShopChanged, ShopDirectory, ShopInfo

F = TypeVar("F", bound=Callable[..., Any])

# In front of the signature check a request is counted by the address our edge saw (app.client_address): for
# every Shopify request that is one of Shopify's proxy addresses, shared by the shoppers of all shops, and for a
# WooCommerce shop its server. So this bucket must pass a whole deployment's storefront traffic from one such
# address: it refills faster than a web process answers (bench/README.md: 2 workers answered up to ~6,000 widget
# reads a second, ~3,000 each), so in-process it never binds on real traffic, and with LOYALTY_REDIS_URL (shared
# by all instances) only beyond 5,000 requests a second from one address. It stops one host flooding requests
# that then fail the signature check (each costs a shop lookup); the per-shopper limits below, counted by the
# signed request's shopper address, are what limit shoppers and scripts.
EDGE_LIMIT = Limit(capacity=20_000, per_second=5_000.0)
# A shopper opens 30–70 pages per order, each one read: a burst of 60 then one a second is generous for a
# person and stops a script. Guests are counted by address, so shoppers behind one address (offices, mobile
# carriers) share it.
READ_LIMIT = Limit(capacity=60, per_second=1.0)
WRITE_LIMIT = Limit(capacity=5, per_second=0.1)  # redeem, birthday, newsletter, referral forms
ACCOUNT_URLS = {"shopify": ("/account/register", "/account/login"), "woocommerce": ("/my-account/", "/my-account/")}
HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$")
PREFIX = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
DEFAULT_PREFIX = "/apps/loyalty"
LIMITED_BEFORE_FLASK = "loyalty.storefront.retry_after"  # environ key: app.api.storefront_hits found a limit hit
TOKENS_TAKEN = "loyalty.storefront.tokens_taken"  # environ key: app.api.storefront_hits took this request's tokens


def storefront(view: F) -> F:
    """Rate-limit by the edge's client address, verify the signed proxy request, rate-limit the shopper; sets
    `g.storefront`.

    The shop is read from the database (actions; few requests)."""
    return _storefront(view, cached=False)


def storefront_read(view: F) -> F:
    """`storefront` with the shop from the per-process directory; the view's read checks it (ShopChanged)."""
    return _storefront(view, cached=True)


def reader() -> Reader:
    """The app's kept-connection reader (app.db_reads) of the storefront's hot reads."""
    return container().reader  # type: ignore[no-any-return]


def _storefront(view: F, *, cached: bool) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        c = container()
        limiter = c.rate_limiter
        hops = c.settings.proxy_hops
        limited = request.environ.get(LIMITED_BEFORE_FLASK)
        if limited:  # storefront_hits took this request's tokens and found one limit exceeded
            raise RateLimited(retry_after=limited)
        taken = request.environ.get(TOKENS_TAKEN, False)  # storefront_hits took them, then handed the request on
        if not taken:
            limit_or_refuse(limiter, edge_key(request.environ, hops), EDGE_LIMIT)
        params = list(request.args.items(multi=True))
        sf = g.storefront = _verify(c, params, cached)
        g.shop_locale = sf.shop.locale  # error texts for a reader who asked for no language: the shop's
        g.shopper_key = shopper_key(sf, shopper_address(request.environ, hops))
        if not taken:
            limit_or_refuse(limiter, f"shopper:{g.shopper_key}", READ_LIMIT)
        for _ in range(2):
            try:
                return view(*args, **kwargs)
            except ShopChanged:
                # The shop was edited (secret, status, name) after this process copied it: verify anew.
                c.shop_directory.forget(claimed_shop(params))
                g.storefront = _verify(c, params, cached)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _verify(c: Container, params: list[tuple[str, str]], cached: bool) -> service.Storefront:
    shops: ShopDirectory | None = c.shop_directory if cached else None
    shop, proxied = service.verify_request(c.reader, c.box, c.shopify_secrets(), params, c.clock.now(), shops)
    return storefront_context(shop, proxied, request.headers.get("X-Forwarded-Host", ""), request.args.get("locale"),
                              request.args.get("account_url"))


def shopper_key(sf: service.Storefront, address: str) -> str:
    """Whose read budget a request spends: the logged-in shopper, or a guest by their address."""
    return f"{sf.shop.id}:{sf.customer_ref or 'guest@' + address}"


def edge_key(environ: dict[str, Any], proxy_hops: int) -> str:
    """The bucket a request takes from before its signature is checked: the client as our edge saw it, which a
    made-up X-Forwarded-For cannot change."""
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
    return "edge:" + client_address(forwarded_for, environ.get("REMOTE_ADDR"), proxy_hops=proxy_hops, signed=False)


def client_ip() -> str:
    """The client of this request as our edge saw it (app.client_address, no signature trusted): for limits of
    requests no platform signs, such as starting a WooCommerce connection."""
    forwarded_for = request.headers.get("X-Forwarded-For", "")
    return client_address(forwarded_for, request.remote_addr, proxy_hops=container().settings.proxy_hops, signed=False)


def shopper_address(environ: dict[str, Any], proxy_hops: int) -> str:
    """The shopper's address of a request whose platform signature was valid: the entry the platform's proxy
    added (app.client_address). Only for verified requests: the signature is what makes that entry trusted."""
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
    return client_address(forwarded_for, environ.get("REMOTE_ADDR"), proxy_hops=proxy_hops, signed=True)


def write_limited(view: F) -> F:
    """The stricter per-shopper limit of actions (after `storefront`); the shopper's cached widget is forgotten."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method != "GET":
            limit_or_refuse(container().rate_limiter, f"write:{g.shopper_key}", WRITE_LIMIT)
        try:
            return view(*args, **kwargs)
        finally:
            _forget_shopper()

    return wrapper  # type: ignore[return-value]


def _forget_shopper() -> None:
    """Read-your-writes: the shopper's next widget read in this process is built anew (other processes
    forget it when the write's notification arrives). Also after a failed action: it may have written."""
    views = container().shopper_views
    sf = g.storefront
    if views is not None and sf.customer_ref:
        views.evict_shopper(sf.shop.id, sf.customer_ref)


def limit_or_refuse(limiter: RateLimiter, key: str, limit: Limit) -> None:
    """Take a token from `key`'s bucket, or refuse with 429 and how long to wait (RateLimited)."""
    wait = limiter.take(key, limit)
    if wait > 0:
        raise RateLimited(retry_after=wait)


def storefront_context(
    shop: ShopInfo, proxied: ProxyRequest, forwarded_host: str, locale: str | None, account_url: str | None = None
) -> service.Storefront:
    """The verified request's storefront: links point at the proxy's host and prefix (when well-formed).
    `account_url`: the signed parameter a WooCommerce shop's proxy names its My Account page with."""
    prefix = proxied.path_prefix.rstrip("/") if PREFIX.match(proxied.path_prefix.rstrip("/")) else DEFAULT_PREFIX
    if "://" in shop.domain:
        origin = shop.domain
    else:
        origin = "https://" + (forwarded_host if HOST.match(forwarded_host) else shop.domain)
    signup, login = ACCOUNT_URLS.get(shop.platform, ("/", "/"))
    if shop.platform == "woocommerce" and (page := account_page_path(shop.domain, account_url or "")):
        signup = login = page
    return service.Storefront(shop, proxied.customer_ref, locale or None, origin + prefix, prefix, signup, login)

