"""Installing and reconnecting shops: state nonces, storing credentials, webhooks from plugin_manifest.json."""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from app.domain.errors import (
    InvalidInput,
    KeysRefused,
    PlatformError,
    PlatformRejected,
    PlatformUnavailable,
    Unauthorized,
)
from app.domain.shops import is_valid_shopify_domain, normalise_woocommerce_url, www_variant
from app.models import InstallState, ProgramSettings, Shop
from app.platforms.base import PlatformClient, ShopCredentials, ShopDetails
from app.repositories import ShopRepository
from app.security import SecretBox
from app.services import connection, marketing_consent
from app.services.shop_details import record_shop_details, refresh_shop_details
from app.services.shops import credentials
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

MANIFEST_PATH = Path(__file__).resolve().parents[2] / "plugin_manifest.json"
STATE_TTL = timedelta(minutes=15)


@cache
def manifest() -> dict[str, Any]:
    """The marketplace description at the repository root (the single list of scopes and webhook topics)."""
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def webhook_topics(platform: str, public_url: str) -> dict[str, str]:
    """Topic → delivery URL for the subscriptions the manifest lists for a platform."""
    spec = manifest()["webhooks"][platform]
    return {topic: f"{public_url}{spec['endpoint']}" for topic in spec["topics"]}


def shopify_scopes() -> str:
    """The scopes the Shopify grant screen asks for."""
    return ",".join(manifest()["scopes"]["shopify"])


@dataclass(frozen=True)
class Installed:
    """The outcome of an install: which shop, and whether an uninstalled shop came back."""

    shop_id: int
    domain: str
    reactivated: bool
    created: bool
    webhooks_registered: bool = False


def begin_install(uow: UnitOfWork, platform: str, shop_domain: str, now: datetime) -> str:
    """A fresh, unguessable, single-use state for one install attempt of one shop."""
    state = secrets.token_urlsafe(32)
    with uow:
        uow.session.add(InstallState(state=state, platform=platform, shop_domain=shop_domain, created_at=now))
        uow.commit()
    return state


def consume_state(uow: UnitOfWork, platform: str, state: str, now: datetime, shop_domain: str | None = None) -> str:
    """Use a state once: unknown, used, expired or issued for another shop is refused. Returns the shop domain."""
    with uow:
        row = _live_state(uow, platform, state, now, lock=True)
        if shop_domain is not None and row.shop_domain != shop_domain:
            raise Unauthorized("the install state was issued for another shop")
        row.used_at = now
        domain = row.shop_domain
        uow.commit()
    return domain


def state_domain(uow: UnitOfWork, platform: str, state: str, now: datetime) -> str:
    """The shop a live state was issued for, without using it up (refused like `consume_state`)."""
    with uow:
        return _live_state(uow, platform, state, now, lock=False).shop_domain


def _live_state(uow: UnitOfWork, platform: str, state: str, now: datetime, *, lock: bool) -> InstallState:
    query = select(InstallState).where(InstallState.state == state[:64], InstallState.platform == platform)
    row = uow.session.scalars(query.with_for_update() if lock else query).first()
    if row is None or row.used_at is not None or row.created_at + STATE_TTL < now:
        raise Unauthorized("the install state is unknown, used or expired; start the installation again")
    return row


def validated_shopify_domain(shop: str) -> str:
    """The lowercased `{name}.myshopify.com`, or InvalidInput (checked before any redirect or exchange)."""
    candidate = (shop or "").strip().lower()
    if not is_valid_shopify_domain(candidate):
        raise InvalidInput(errors={"shop": "must be a {name}.myshopify.com domain"})
    return candidate


def validated_woocommerce_url(url: str, *, public_only: bool = False) -> str:
    """The shop's normalised base URL, or InvalidInput. `public_only` (production) also refuses a host that
    resolves to a loopback, private, link-local or otherwise non-public address: anyone may start a connection,
    and the app then calls that address (the key check, webhooks, the worker's syncs)."""
    try:
        normalised = normalise_woocommerce_url(url or "")
    except ValueError as exc:
        raise InvalidInput(errors={"store_url": str(exc)}) from exc
    if not normalised.startswith(("https://", "http://")):
        raise InvalidInput(errors={"store_url": "must be an http(s) URL"})
    if public_only and not _resolves_to_public_addresses(urlsplit(normalised).hostname or ""):
        raise InvalidInput(errors={"store_url": "must be the shop's public internet address"})
    return normalised


def _resolves_to_public_addresses(host: str) -> bool:
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(str(entry[4][0]).split("%")[0]) for entry in found}
    return bool(addresses) and all(address.is_global for address in addresses)


def install_shopify(uow: UnitOfWork, box: SecretBox, domain: str, access_token: str, scopes: str,
                    now: datetime) -> Installed:
    """Store the offline token encrypted; a known shop gets the new token, an uninstalled one is reactivated."""
    return _upsert_shop(uow, box, "shopify", domain, now, access_token=access_token, scopes=scopes)


def connect_woocommerce(uow: UnitOfWork, box: SecretBox, state: str, consumer_key: str, consumer_secret: str,
                        now: datetime, address: str | None = None) -> Installed:
    """wc-auth callback: bind to the single-use state, store the keys and a new webhook secret, encrypted.
    `address`: where the shop lives if not at the address the state was issued for."""
    domain = consume_state(uow, "woocommerce", state, now)
    installed = _upsert_shop(
        uow, box, "woocommerce", address or domain, now, consumer_key=consumer_key, consumer_secret=consumer_secret,
        webhook_secret=secrets.token_urlsafe(32), scopes="read_write",
    )
    with uow:
        row = uow.session.scalars(select(InstallState).where(InstallState.state == state[:64])).one()
        row.shop_id = installed.shop_id
        uow.commit()
    return installed


def shop_for_returned_state(uow: UnitOfWork, state: str, now: datetime) -> tuple[int, str]:
    """The shop (id, domain) a finished wc-auth exchange connected (the browser comes back through return_url)."""
    with uow:
        row = uow.session.scalars(
            select(InstallState).where(InstallState.state == state[:64], InstallState.platform == "woocommerce")
        ).first()
        fresh = row is not None and row.shop_id is not None and row.created_at + STATE_TTL >= now
        shop = uow.session.get(Shop, row.shop_id) if fresh and row is not None else None
    if shop is None:
        raise Unauthorized("the shop was not connected; start again")
    return shop.id, shop.domain


def register_webhooks(uow_factory: Callable[[], UnitOfWork], box: SecretBox, client: PlatformClient, shop_id: int,
                      public_url: str, now: datetime, *, fresh: bool = False) -> int:
    """Create the manifest's webhook subscriptions through the Admin API (after the install committed).

    The outcome is the shop's connection state: registered means verified; a failure is recorded (reason and
    the error without secrets; `fresh` for a new install) and raised.
    """
    with uow_factory() as uow:
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is None:
            raise Unauthorized("unknown shop")
        creds = credentials(shop, box)
        secret = box.decrypt(shop.webhook_secret_enc)
        topics = webhook_topics(shop.platform, public_url)
    try:
        client.register_webhooks(creds, topics, secret)
    except PlatformError as exc:
        known = (creds.access_token, creds.consumer_key, creds.consumer_secret, secret)
        connection.record_failure(uow_factory(), shop_id, exc, known, now, fresh=fresh)
        raise
    connection.record_verified(uow_factory(), shop_id, now)
    log.info("webhooks registered", extra={"shop_id": shop_id, "topics": len(topics)})
    return len(topics)


def complete_shopify_install(
    uow_factory: Callable[[], UnitOfWork], box: SecretBox, client: PlatformClient, *, domain: str,
    state: str | None, exchange: Callable[[], tuple[str, str]], public_url: str, now: datetime,
) -> Installed:
    """Use the state (OAuth callback; None for token exchange), get the offline token, store it, subscribe webhooks.

    The token request and the webhook subscriptions are network calls: each runs with no transaction open.
    """
    if state is not None:
        consume_state(uow_factory(), "shopify", state, now, shop_domain=domain)
    access_token, scopes = exchange()
    installed = install_shopify(uow_factory(), box, domain, access_token, scopes, now)
    return _after_install(uow_factory, box, client, installed, public_url, now)


def complete_woocommerce_connect(
    uow_factory: Callable[[], UnitOfWork], box: SecretBox, client: PlatformClient, *, state: str,
    consumer_key: str, consumer_secret: str, public_url: str, now: datetime, public_only: bool = False,
) -> Installed:
    """wc-auth callback: the keys are tried against the store first, then stored (committed), then the shop's
    webhooks are created through its REST API.

    The shop is stored under the address its deliveries name (X-WC-Webhook-Source, WordPress's home URL) when the
    merchant typed it with or without `www.`; a shop the merchant connected before keeps its address.

    The callback is unsigned and its state was shown to whoever started the connection, so the keys prove the
    connection (PLATFORMS §5.3): only the store's admin can make keys its REST API accepts. Keys it refuses
    store nothing, and an existing shop's keys and webhook secret stay as they were.
    """
    domain = state_domain(uow_factory(), "woocommerce", state, now)
    keys = ShopCredentials("woocommerce", domain, consumer_key=consumer_key, consumer_secret=consumer_secret)
    details: ShopDetails | None = None
    try:
        details = client.shop_details(keys)  # no transaction open: a network call
    except PlatformRejected as exc:
        raise KeysRefused() from exc
    except PlatformUnavailable:
        # The store is posting to us, so it is up; its REST API failing now (busy PHP workers, a firewall) does not
        # refuse the keys. A new connection is kept unverified and checked again by the worker; a working one is
        # never replaced by keys nobody could try (the merchant connects again).
        if _has_working_connection(uow_factory(), domain):
            raise
    address = _own_address(uow_factory(), domain, details, public_only)
    installed = connect_woocommerce(uow_factory(), box, state, consumer_key, consumer_secret, now, address=address)
    if details is not None:
        record_shop_details(uow_factory(), installed.shop_id, details, set_locale=installed.created)
    return _with_webhooks(uow_factory, box, client, installed, public_url, now)


def _own_address(uow: UnitOfWork, typed: str, details: ShopDetails | None, public_only: bool) -> str | None:
    home = www_variant(typed, details.address if details is not None else None)
    if home is None:
        return None
    try:
        validated_woocommerce_url(home, public_only=public_only)  # the other name may point elsewhere
    except InvalidInput:
        return None
    with uow:
        return None if ShopRepository(uow.session).get_by_domain("woocommerce", typed) is not None else home


def _has_working_connection(uow: UnitOfWork, domain: str) -> bool:
    with uow:
        shop = ShopRepository(uow.session).get_by_domain("woocommerce", domain)
        if shop is None or not shop.is_active or not shop.is_connected:
            return False
        return connection.state_of(uow.session.get(ProgramSettings, shop.id)).verified


def _after_install(uow_factory: Callable[[], UnitOfWork], box: SecretBox, client: PlatformClient,
                   installed: Installed, public_url: str, now: datetime) -> Installed:
    # The shop's real name, currency and (on a first install) language, then the webhook subscriptions;
    # neither failing undoes the install.
    refresh_shop_details(uow_factory, box, client, installed.shop_id, set_locale=installed.created)
    return _with_webhooks(uow_factory, box, client, installed, public_url, now)


def _with_webhooks(uow_factory: Callable[[], UnitOfWork], box: SecretBox, client: PlatformClient,
                   installed: Installed, public_url: str, now: datetime) -> Installed:
    try:
        register_webhooks(uow_factory, box, client, installed.shop_id, public_url, now, fresh=True)
    except PlatformError:
        # Recorded as "not verified" (without a traceback: its causes carry request URLs); the admin page
        # warns, and the worker's connection check retries until the store answers.
        return installed
    return replace(installed, webhooks_registered=True)


def _upsert_shop(uow: UnitOfWork, box: SecretBox, platform: str, domain: str, now: datetime,
                 **secrets_and_scopes: str) -> Installed:
    with uow:
        shops = ShopRepository(uow.session)
        shop = shops.get_by_domain(platform, domain)
        created = shop is None
        if shop is None:
            shop = shops.add(Shop(platform=platform, domain=domain, name=domain, status="active", installed_at=now))
        reactivated = not created and not shop.is_active
        shop.status, shop.uninstalled_at, shop.purge_after = "active", None, None
        if reactivated:
            shop.installed_at = now
        for name, value in secrets_and_scopes.items():
            if name == "scopes":
                shop.scopes = value
            elif name == "webhook_secret" and shop.webhook_secret_enc:
                # Reconnecting keeps the secret: the store's existing webhooks sign with it, and registering
                # only creates missing ones (a new secret would make every delivery of the old ones a 401).
                continue
            else:
                setattr(shop, f"{name}_enc", box.encrypt(value))
        uow.session.flush()
        if platform == "shopify" and not created:
            marketing_consent.retry_after_new_scopes(uow.session, shop.id, shop.scopes, now)
        result = Installed(shop.id, shop.domain, reactivated, created)
        uow.commit()
    log.info("shop installed", extra={"shop_id": result.shop_id, "reactivated": reactivated})
    return result
