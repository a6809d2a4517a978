"""Registering shops and reading their credentials."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from babel.numbers import is_currency

from app.domain.errors import InvalidInput, ShopAlreadyExists, ShopNotFound
from app.domain.shops import is_valid_shopify_domain, normalise_woocommerce_url
from app.models import Shop
from app.platforms.base import ShopCredentials
from app.repositories import ShopRepository
from app.security import SecretBox
from app.uow import UnitOfWork


@dataclass(frozen=True)
class NewShop:
    """What an operator or an install flow knows about a shop."""

    platform: str
    domain: str
    name: str = ""
    currency: str = "EUR"
    locale: str = "de"
    access_token: str | None = None
    webhook_secret: str | None = None
    consumer_key: str | None = None
    consumer_secret: str | None = None
    scopes: str = ""


def add_shop(uow: UnitOfWork, box: SecretBox, new: NewShop, now: datetime) -> Shop:
    """Register a shop with its credentials encrypted; refuse a duplicate."""
    domain = _normalised_domain(new.platform, new.domain)
    if new.platform == "woocommerce" and not (
        new.webhook_secret and new.consumer_key and new.consumer_secret
    ):
        raise InvalidInput("WooCommerce shops need a webhook secret, consumer key and consumer secret.")
    if new.locale not in {"de", "en"}:
        raise InvalidInput(errors={"locale": "must be 'de' or 'en'"})
    currency = new.currency.strip().upper()
    if not is_currency(currency):
        raise InvalidInput(errors={"currency": f"{new.currency!r} is no ISO 4217 currency code like EUR, CHF or USD"})
    with uow:
        shops = ShopRepository(uow.session)
        for candidate in _same_shop(new.platform, domain):
            existing = shops.get_by_domain(new.platform, candidate)
            if existing is not None:
                raise ShopAlreadyExists(f"This shop is already registered, as shop {existing.id} ({existing.domain}).")
        shop = shops.add(
            Shop(
                platform=new.platform,
                domain=domain,
                name=new.name or domain,
                currency=currency,
                locale=new.locale,
                status="active",
                access_token_enc=box.encrypt(new.access_token),
                webhook_secret_enc=box.encrypt(new.webhook_secret),
                consumer_key_enc=box.encrypt(new.consumer_key),
                consumer_secret_enc=box.encrypt(new.consumer_secret),
                scopes=new.scopes,
                installed_at=now,
            )
        )
        uow.commit()
        return shop


def webhook_secrets(uow: UnitOfWork, box: SecretBox, platform: str, domain: str) -> list[str]:
    """The secrets a delivery from this WooCommerce shop may be signed with (none if unknown)."""
    with uow:
        shop = ShopRepository(uow.session).get_by_domain(platform, domain)
        if shop is None or shop.webhook_secret_enc is None:
            return []
        secret = box.decrypt(shop.webhook_secret_enc)
        return [secret] if secret else []


def credentials(shop: Shop, box: SecretBox) -> ShopCredentials:
    """Decrypted credentials for one Admin API call."""
    return ShopCredentials(
        platform=shop.platform,
        domain=shop.domain,
        access_token=box.decrypt(shop.access_token_enc),
        consumer_key=box.decrypt(shop.consumer_key_enc),
        consumer_secret=box.decrypt(shop.consumer_secret_enc),
    )


def find_shop(uow: UnitOfWork, ref: str) -> Shop:
    """A shop by id, domain or URL; ShopNotFound otherwise."""
    with uow:
        shop = ShopRepository(uow.session).find(ref)
        if shop is None:
            raise ShopNotFound(shop=ref)
        return shop


def _same_shop(platform: str, domain: str) -> tuple[str, ...]:
    """The addresses under which `domain` would be a shop already registered: itself, and for a WooCommerce URL
    the same host and path under the other scheme (http://shop.example.de is https://shop.example.de)."""
    if platform != "woocommerce":
        return (domain,)
    scheme, rest = domain.split("://", 1)
    return (domain, f"{'https' if scheme == 'http' else 'http'}://{rest}")


def _normalised_domain(platform: str, domain: str) -> str:
    if platform == "shopify":
        candidate = domain.strip().lower().removeprefix("https://").rstrip("/")
        if not is_valid_shopify_domain(candidate):
            raise InvalidInput(errors={"domain": "must be a {name}.myshopify.com domain"})
        return candidate
    if platform == "woocommerce":
        try:
            url = normalise_woocommerce_url(domain)
        except ValueError as exc:
            raise InvalidInput(errors={"domain": str(exc)}) from exc
        if not _is_public_host(urlsplit(url).hostname or ""):
            # "notaurl" would become https://notaurl: a host no shop on the internet can have.
            raise InvalidInput(errors={"domain": f"not a shop URL: {domain!r}, give its address like https://shop.example.de"})
        return url
    raise InvalidInput(errors={"platform": "must be 'shopify' or 'woocommerce'"})


def _is_public_host(host: str) -> bool:
    """A dotted name (shop.example.de), localhost or an IP address (a shop on 127.0.0.1 in tests)."""
    if host == "localhost" or ("." in host.strip(".") and not host.endswith(".")):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
