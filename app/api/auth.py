"""Install flows: Shopify OAuth and token exchange, WooCommerce wc-auth key exchange."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, render_template, request, session
from flask_smorest import Blueprint

from app.api import container
from app.api.admin_auth import start_session
from app.api.auth_schemas import (
    InstalledSchema,
    ShopifyQuery,
    WooCallbackSchema,
    WooReturnQuery,
    WooStartQuery,
)
from app.api.docs import html
from app.api.storefront_auth import client_ip, limit_or_refuse
from app.domain.errors import InvalidInput, InvalidSignature, Unauthorized
from app.i18n import pick_locale, texts_for
from app.platforms.shopify import oauth
from app.rate_limit import Limit
from app.services import admin_sessions, install

blp = Blueprint("auth", __name__, description="Installing the app in a shop.")

SHOPIFY_STATE_KEY = "shopify_oauth_state"
WOO_STATE_KEY = "woocommerce_state"
HMAC_MAX_AGE = timedelta(hours=24)  # as the official Python library
# The two shapes of a shop's admin host Shopify sends in `host` (nothing else is redirected to).
ADMIN_HOST = re.compile(r"admin\.shopify\.com/store/[a-z0-9][a-z0-9-]*|[a-z0-9][a-z0-9-]*\.myshopify\.com/admin")
CONNECT_LIMIT = Limit(capacity=5, per_second=0.1)  # WooCommerce connections started per client address


@blp.route("/auth/shopify")
@blp.arguments(ShopifyQuery, location="query")
@blp.doc(responses={"302": {"description": "to Shopify's grant screen"}})
def shopify_start(args: dict[str, Any]) -> Response:
    """Start the Shopify install: verify the query HMAC and shop domain, redirect to the grant screen."""
    c = container()
    _verify_query()
    domain = install.validated_shopify_domain(args["shop"])
    state = install.begin_install(c.uow(), "shopify", domain, c.clock.now())
    session[SHOPIFY_STATE_KEY] = state
    target = oauth.authorize_url(domain, c.settings.shopify_api_key, install.shopify_scopes(),
                                 f"{c.settings.public_url}/auth/shopify/callback", state, c.settings.shopify_api_base)
    return redirect(target, code=302)


@blp.route("/auth/shopify/callback")
@blp.arguments(ShopifyQuery, location="query")
@blp.doc(responses={"302": {"description": "installed; on to the admin page"}})
def shopify_callback(args: dict[str, Any]) -> Response:
    """Finish the Shopify install: HMAC, shop and state checked, code exchanged, token stored, webhooks created."""
    c = container()
    _verify_query()
    domain = install.validated_shopify_domain(args["shop"])
    state, code = args.get("state") or "", args.get("code") or ""
    if not state or session.pop(SHOPIFY_STATE_KEY, None) != state or not code:
        raise Unauthorized("The install state does not match this browser. Please start the installation again.")
    s = c.settings
    installed = install.complete_shopify_install(
        c.uow, c.box, c.platform_client("shopify"), domain=domain, state=state, public_url=s.public_url,
        exchange=lambda: oauth.exchange_code(s.shopify_api_base, domain, s.shopify_api_key, s.shopify_api_secret,
                                             code),
        now=c.clock.now(),
    )
    start_session(admin_sessions.AdminIdentity(installed.shop_id, "shopify-install", installed.domain))
    return redirect(_embedded_app_url(args.get("host"), s.shopify_api_key) or "/admin", code=302)


@blp.route("/auth/shopify/token-exchange", methods=["POST"])
@blp.response(200, InstalledSchema)
def shopify_token_exchange() -> Any:
    """Managed install of the embedded app: trade the App Bridge session token for an offline token."""
    c = container()
    s = c.settings
    bearer = request.headers.get("Authorization", "")
    if not bearer.lower().startswith("bearer "):
        raise Unauthorized("Send the App Bridge session token as a Bearer token.")
    token = bearer[7:].strip()
    claims = admin_sessions.decode_session_token(token, s.shopify_api_key, c.shopify_secrets())
    return install.complete_shopify_install(
        c.uow, c.box, c.platform_client("shopify"), domain=claims.shop_domain, state=None, public_url=s.public_url,
        exchange=lambda: oauth.token_exchange(s.shopify_api_base, claims.shop_domain, s.shopify_api_key,
                                              s.shopify_api_secret, token),
        now=c.clock.now(),
    )


@blp.route("/auth/woocommerce")
@blp.arguments(WooStartQuery, location="query")
@blp.doc(responses={"302": {"description": "to the shop's /wc-auth/v1/authorize"}, "200": html("the store URL form"),
                    "400": html("the form again: no shop at that address")})
def woocommerce_start(args: dict[str, Any]) -> Any:
    """Connect a WooCommerce shop: without `store_url` a form, else the wc-auth key exchange."""
    if not args.get("store_url"):
        return _page("admin/connect_woocommerce.html")
    c = container()
    # Anyone may start a connection (each stores a state and leads to calls to the address): a few a minute
    # per address is plenty for a merchant.
    limit_or_refuse(c.rate_limiter, f"connect:{client_ip()}", CONNECT_LIMIT)
    try:
        url = install.validated_woocommerce_url(args["store_url"], public_only=c.settings.public_shop_urls_only)
    except InvalidInput:  # the merchant's browser: the form again, saying why, not the API's JSON
        return _page("admin/connect_woocommerce.html", status=400, invalid=True, store_url=args["store_url"])
    state = install.begin_install(c.uow(), "woocommerce", url, c.clock.now())
    session[WOO_STATE_KEY] = state
    query = urlencode({
        "app_name": install.manifest()["name"], "scope": "read_write", "user_id": state,
        "return_url": f"{c.settings.public_url}/auth/woocommerce/return",
        "callback_url": f"{c.settings.public_url}/auth/woocommerce/callback",
    })
    return redirect(f"{url}/wc-auth/v1/authorize?{query}", code=302)


@blp.route("/auth/woocommerce/callback", methods=["POST"])
@blp.arguments(WooCallbackSchema)
@blp.response(200, InstalledSchema)
def woocommerce_callback(data: dict[str, Any]) -> Any:
    """wc-auth posts the new keys here: bound to the single-use state in `user_id`; keys stored encrypted."""
    c = container()
    return install.complete_woocommerce_connect(
        c.uow, c.box, c.platform_client("woocommerce"), state=data["user_id"], consumer_key=data["consumer_key"],
        consumer_secret=data["consumer_secret"], public_url=c.settings.public_url, now=c.clock.now(),
        public_only=c.settings.public_shop_urls_only,
    )


@blp.route("/auth/woocommerce/return")
@blp.arguments(WooReturnQuery, location="query")
@blp.doc(responses={"303": {"description": "connected; on to the admin page"},
                    "400": html("the merchant declined the connection")})
def woocommerce_return(args: dict[str, Any]) -> Any:
    """The merchant's browser comes back from WooCommerce: sign in to the connected shop, or explain."""
    c = container()
    expected = session.pop(WOO_STATE_KEY, None)
    if args.get("success") != "1":
        return _page("admin/connect_woocommerce.html", status=400, denied=True)
    if not expected or expected != args.get("user_id"):
        raise Unauthorized("This browser did not start the connection. Please start again.")
    shop_id, domain = install.shop_for_returned_state(c.uow(), expected, c.clock.now())
    start_session(admin_sessions.AdminIdentity(shop_id, "woocommerce-install", domain))
    return redirect("/admin", code=303)


def _verify_query() -> None:
    c = container()
    params = request.args.to_dict()
    if not any(oauth.query_hmac_valid(params, secret) for secret in c.shopify_secrets()):
        raise InvalidSignature("The request is not signed by Shopify.")
    try:
        signed_at = datetime.fromtimestamp(int(params.get("timestamp", "")), UTC)
    except (ValueError, OverflowError, OSError) as exc:  # not a number, or beyond what a datetime holds
        raise InvalidSignature("The request carries no valid timestamp.") from exc
    if abs(c.clock.now() - signed_at) > HMAC_MAX_AGE:
        raise InvalidSignature("The signed request is too old or dated in the future.")


def _embedded_app_url(host: str | None, api_key: str) -> str | None:
    # `host` is the base64 of the shop's admin host ("admin.shopify.com/store/name"); embedded apps open there.
    if not host:
        return None
    try:
        admin_host = base64.urlsafe_b64decode(host + "=" * (-len(host) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not ADMIN_HOST.fullmatch(admin_host):
        return None
    return f"https://{admin_host}/apps/{api_key}"


def _page(template: str, status: int = 200, **context: Any) -> Response:
    locale = pick_locale(request.args.get("lang"), request.accept_languages.best)
    html = render_template(template, locale=locale, texts=texts_for(locale, "admin."), **context)
    return Response(html, status=status, mimetype="text/html")
