"""Storefront request authentication for views: rate limits, then the proxy signature → `g.storefront`."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from app.api import container
from app.container import Container
from app.db_reads import Reader
from app.domain.errors import RateLimited
from app.platforms.app_proxy import ProxyRequest, claimed_shop
from app.rate_limit import Limit, RateLimiter
from app.services import storefront as service
from app.services.storefront_shops import ShopChanged, ShopDirectory, ShopInfo

F = TypeVar("F", bound=Callable[..., Any])

# A shopper opens 30–70 pages per order, each one read: a burst of 60 then one a second is generous for a
# person and stops a script. Several shoppers can share an IP (offices, mobile carriers), hence the higher cap.
IP_LIMIT = Limit(capacity=120, per_second=2.0)
READ_LIMIT = Limit(capacity=60, per_second=1.0)
WRITE_LIMIT = Limit(capacity=5, per_second=0.1)  # redeem, birthday, newsletter, referral forms
ACCOUNT_URLS = {"shopify": ("/account/register", "/account/login"), "woocommerce": ("/my-account/", "/my-account/")}
HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$")
PREFIX = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
DEFAULT_PREFIX = "/apps/loyalty"
LIMITED_BEFORE_FLASK = "loyalty.storefront.retry_after"  # environ key: app.api.storefront_hits found a limit hit
TOKENS_TAKEN = "loyalty.storefront.tokens_taken"  # environ key: app.api.storefront_hits took this request's tokens


def storefront(view: F) -> F:
    """Rate-limit by IP, verify the signed proxy request, rate-limit the shopper; sets `g.storefront`.

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
        ip = client_ip()
        limited = request.environ.get(LIMITED_BEFORE_FLASK)
        if limited:  # storefront_hits took this request's tokens and found one limit exceeded
            raise RateLimited(retry_after=limited)
        taken = request.environ.get(TOKENS_TAKEN, False)  # storefront_hits took them, then handed the request on
        if not taken:
            _limit(limiter, f"ip:{ip}", IP_LIMIT)
        params = list(request.args.items(multi=True))
        sf = g.storefront = _verify(c, params, cached)
        g.shop_locale = sf.shop.locale  # error texts for a reader who asked for no language: the shop's
        g.shopper_key = shopper_key(sf, ip)
        if not taken:
            _limit(limiter, f"shopper:{g.shopper_key}", READ_LIMIT)
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
    return storefront_context(shop, proxied, request.headers.get("X-Forwarded-Host", ""), request.args.get("locale"))


def shopper_key(sf: service.Storefront, ip: str) -> str:
    """Whose read budget a request spends: the logged-in shopper, or a guest by their address."""
    return f"{sf.shop.id}:{sf.customer_ref or 'guest@' + ip}"


def write_limited(view: F) -> F:
    """The stricter per-shopper limit of actions (after `storefront`); the shopper's cached widget is forgotten."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method != "GET":
            _limit(container().rate_limiter, f"write:{g.shopper_key}", WRITE_LIMIT)
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


def client_ip() -> str:
    """The shopper's address: Shopify's proxy (and the WooCommerce side) put it first in X-Forwarded-For."""
    return client_ip_of(request.headers.get("X-Forwarded-For", ""), request.remote_addr)


def client_ip_of(forwarded_for: str, remote_addr: str | None) -> str:
    """`client_ip` from the X-Forwarded-For header and the peer's address."""
    first = forwarded_for.split(",")[0].strip()
    return first[:64] or (remote_addr or "unknown")


def _limit(limiter: RateLimiter, key: str, limit: Limit) -> None:
    wait = limiter.take(key, limit)
    if wait > 0:
        raise RateLimited(retry_after=wait)


def storefront_context(
    shop: ShopInfo, proxied: ProxyRequest, forwarded_host: str, locale: str | None
) -> service.Storefront:
    """The verified request's storefront: links point at the proxy's host and prefix (when well-formed)."""
    prefix = proxied.path_prefix.rstrip("/") if PREFIX.match(proxied.path_prefix.rstrip("/")) else DEFAULT_PREFIX
    if "://" in shop.domain:
        origin = shop.domain
    else:
        origin = "https://" + (forwarded_host if HOST.match(forwarded_host) else shop.domain)
    signup, login = ACCOUNT_URLS.get(shop.platform, ("/", "/"))
    return service.Storefront(shop, proxied.customer_ref, locale or None, origin + prefix, prefix, signup, login)
