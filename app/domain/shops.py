"""Shop identities: how a Shopify domain and a WooCommerce URL are written down, and checked."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HOSTNAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
SHOPIFY_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com$")


def is_valid_shopify_domain(domain: str) -> bool:
    """`{name}.myshopify.com` only (PLATFORMS §2.2), checked on the lowercased host."""
    return bool(SHOPIFY_DOMAIN.fullmatch(domain.strip().lower()))


def normalise_woocommerce_url(url: str) -> str:
    """`https://Shop.example.de/` and `shop.example.de` both become `https://shop.example.de`."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower()
        port_number = parts.port
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except (ValueError, UnicodeError) as exc:
        raise ValueError(f"not a shop URL: {url!r}") from exc
    if not ascii_host or not HOSTNAME.fullmatch(ascii_host) or parts.scheme.lower() not in {"http", "https"}:
        raise ValueError(f"not a shop URL: {url!r}")
    host = ascii_host
    port = f":{port_number}" if port_number else ""
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{host}{port}{path}"


def www_variant(typed: str, home: str | None) -> str | None:
    """`home` normalised when it differs from the normalised `typed` URL only by a leading `www.` of the host
    (scheme, port and path alike), else None: a site answering on both names calls itself by one of them."""
    try:
        own = normalise_woocommerce_url(home or "")
    except ValueError:
        return None
    a, b = urlsplit(typed), urlsplit(own)
    if own == typed or (a.scheme, a.port, a.path) != (b.scheme, b.port, b.path):
        return None
    return own if same_site(typed, own) else None


def same_site(url: str, other: str) -> bool:
    """The two URLs name one host, with or without a leading `www.`."""
    bare = {(urlsplit(u).hostname or "").removeprefix("www.") for u in (url, other)}
    return len(bare) == 1


def account_page_path(shop_url: str, account_url: str) -> str | None:
    """The path (and query) of the My Account page a WooCommerce shop's proxy names, when it is on the shop's own
    site; else None. WooCommerce names the page in the site's language when installed (`/mein-konto/` in German)."""
    page = urlsplit(account_url)
    on_site_path = page.path.startswith("/") and not page.path.startswith("//") and "\\" not in page.path
    if not (on_site_path and same_site(shop_url, account_url)):
        return None
    return page.path + (f"?{page.query}" if page.query else "")


def storefront_url(platform: str, domain: str) -> str:
    """Where shoppers reach the shop: a Shopify shop's myshopify address (it forwards to the shop's own domain), a
    WooCommerce shop's URL as registered."""
    return f"https://{domain}" if platform == "shopify" else domain


def normalise_shop_ref(ref: str) -> str:
    """A shop as an operator types it: a myshopify domain stays a domain, anything else is a shop URL."""
    candidate = ref.strip().lower()
    if is_valid_shopify_domain(candidate):
        return candidate
    return normalise_woocommerce_url(ref)


CURRENCY_CODE = re.compile(r"[A-Z]{3}")
NAME_LIMIT = 255


def program_locale(tag: str | None) -> str | None:
    """The program's language for a platform's locale tag (`de`, `de-CH`, `de_DE_formal` → de; any other → en).

    The program speaks German and English; a shop in another language gets English. None without a tag.
    """
    if not tag or not tag.strip():
        return None
    return "de" if re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0] == "de" else "en"


def currency_code(code: str) -> str | None:
    """An ISO 4217 code as platforms write it (`eur`, ` EUR `) in upper case, or None if it is not one."""
    candidate = code.strip().upper()
    return candidate if CURRENCY_CODE.fullmatch(candidate) else None


def display_name(name: str) -> str | None:
    """A shop's name as the merchant set it, without control characters and bounded; None when empty."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in name).split())
    return cleaned[:NAME_LIMIT] or None
