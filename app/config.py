"""Settings from LOYALTY_* (and SHOPIFY_*) environment variables; fails fast on missing secrets in production."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
SESSION_IDLE_LIMIT = timedelta(hours=12)  # an admin cookie session unused this long has ended
# More of one's own proxies than a CDN, a load balancer and nginx is a typo, and a count too high lets a client
# choose the address its requests are counted by.
MAX_PROXY_HOPS = 5


class ConfigError(RuntimeError):
    """A required setting is missing or invalid."""


def _default_instance_path() -> Path:
    return Path(os.environ.get("LOYALTY_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, resolved once at start-up."""

    env: str = "development"
    database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    shopify_api_key: str = "dev-shopify-api-key"
    shopify_api_secret: str = "dev-shopify-api-secret"
    shopify_api_secret_previous: str = ""
    shopify_api_base: str = "https://{shop}"
    shopify_api_version: str = "2025-10"
    public_url: str = "http://127.0.0.1:8000"
    email_backend: str = "file"
    smtp_url: str = ""
    mail_from: str = "Treueprogramm <loyalty@localhost>"  # its address sends; a shop's own name replaces its name
    instance_path: Path = field(default_factory=_default_instance_path)
    max_webhook_bytes: int = 1024 * 1024
    db_pool_size: int = 5
    testing: bool = False
    redis_url: str = ""  # LOYALTY_REDIS_URL: storefront rate limits shared across web instances
    outbox_lease_seconds: int = 300  # LOYALTY_OUTBOX_LEASE_SECONDS: how long a dead worker's claim blocks a message
    # LOYALTY_STOREFRONT_CACHE (on/off; unset: on for PostgreSQL): the caches LISTEN keeps, per process: the
    # widget's answers and the webhook's shop copies
    storefront_cache: bool | None = None
    # LOYALTY_PROXY_HOPS: our own reverse proxies in front of the app, whose X-Forwarded-For entries are believed
    # (app.client_address): 0 when clients reach the app directly (`loyalty run`), 1 behind one nginx
    proxy_hops: int = 0

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Settings:
        """Read settings from the environment, then apply explicit overrides (tests, CLI flags)."""
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("LOYALTY_INSTANCE_PATH", Path.cwd() / "instance")).resolve()
        values: dict[str, Any] = {
            "env": env.get("LOYALTY_ENV", "development"),
            "database_url": env.get("LOYALTY_DATABASE_URL", f"sqlite:///{instance / 'loyalty.db'}"),
            "secret_key": env.get("LOYALTY_SECRET_KEY", DEV_SECRET_KEY),
            "shopify_api_key": env.get("SHOPIFY_API_KEY", "dev-shopify-api-key"),
            "shopify_api_secret": env.get("SHOPIFY_API_SECRET", "dev-shopify-api-secret"),
            "shopify_api_secret_previous": env.get("SHOPIFY_API_SECRET_PREVIOUS", ""),
            "shopify_api_base": env.get("LOYALTY_SHOPIFY_API_BASE", "https://{shop}"),
            "public_url": env.get("LOYALTY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            "email_backend": env.get("LOYALTY_EMAIL_BACKEND", "file"),
            "smtp_url": env.get("LOYALTY_SMTP_URL", ""),
            "mail_from": env.get("LOYALTY_MAIL_FROM", "Treueprogramm <loyalty@localhost>"),
            "instance_path": instance,
            "db_pool_size": _whole_number(env, "LOYALTY_DB_POOL_SIZE", 5),
            "redis_url": env.get("LOYALTY_REDIS_URL", ""),
            "outbox_lease_seconds": _whole_number(env, "LOYALTY_OUTBOX_LEASE_SECONDS", 300),
            "storefront_cache": _switch(env.get("LOYALTY_STOREFRONT_CACHE", "")),
            "proxy_hops": _hop_count(env.get("LOYALTY_PROXY_HOPS", "")),
        }
        known = {f.name for f in fields(cls)}
        unknown = set(overrides or {}) - known
        if unknown:
            raise ConfigError(f"unknown settings: {sorted(unknown)}")
        settings = replace(cls(**values), **(overrides or {}))
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse to start a production app on development secrets."""
        if self.email_backend not in {"file", "smtp"}:
            raise ConfigError("LOYALTY_EMAIL_BACKEND must be 'file' or 'smtp'")
        if self.email_backend == "smtp" and not self.smtp_url:
            raise ConfigError("LOYALTY_SMTP_URL is required with LOYALTY_EMAIL_BACKEND=smtp")
        if self.email_backend == "smtp":
            _check_smtp_url(self.smtp_url)
        _check_database_url(self.database_url)
        check_redis_url(self.redis_url)
        if not 0 <= self.proxy_hops <= MAX_PROXY_HOPS:
            raise ConfigError(f"LOYALTY_PROXY_HOPS must be 0 to {MAX_PROXY_HOPS}, not {self.proxy_hops}")
        if self.env == "production":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ConfigError("LOYALTY_SECRET_KEY must be set to at least 32 characters in production")
            if self.shopify_api_secret.startswith("dev-"):
                raise ConfigError("SHOPIFY_API_SECRET must be set in production")

    @property
    def public_shop_urls_only(self) -> bool:
        """In production a WooCommerce connection started from the web must name a public address (the app calls
        it); in development a store on 127.0.0.1 (a local WordPress, the tests' fake) may connect."""
        return self.env == "production"

    @property
    def storefront_cache_on(self) -> bool:
        """The LISTEN-kept caches (widget answers, webhook shop copies) need PostgreSQL: on there unless switched
        off, never on SQLite."""
        return self.database_url.startswith("postgresql") and self.storefront_cache is not False

    def flask_config(self) -> dict[str, Any]:
        """The subset Flask and flask-smorest read."""
        return {
            "SECRET_KEY": self.secret_key,
            "TESTING": self.testing,
            "MAX_CONTENT_LENGTH": self.max_webhook_bytes,
            "API_TITLE": "Loyalty backend",
            "API_VERSION": "1.0",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/",
            "OPENAPI_JSON_PATH": "openapi.json",
            "JSON_SORT_KEYS": False,
            # The session cookie (admin sign-in, install state): HttpOnly, and Secure wherever the app is served
            # over https (not on the http://127.0.0.1 default, where a browser would drop a Secure cookie).
            # SameSite=Lax: the cookie is only ever needed at the top level. Inside Shopify's admin (an iframe on
            # admin.shopify.com) the page authenticates every call with App Bridge session tokens (Bearer), never
            # the cookie; the login link, the admin page opened on its own and the returns from Shopify's grant
            # screen and WooCommerce's key exchange are top-level GET navigations, which Lax still sends the
            # cookie with (Strict would drop the install state on those returns). Lax keeps it off cross-site
            # POSTs and frames.
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": self.public_url.startswith("https://"),
            "SESSION_COOKIE_SAMESITE": "Lax",
            "PERMANENT_SESSION_LIFETIME": SESSION_IDLE_LIMIT,
        }


def _whole_number(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return number


def _hop_count(raw: str) -> int:
    """LOYALTY_PROXY_HOPS as a number (its range is checked with the overrides, in `validate`)."""
    try:
        return int(raw.strip() or "0")
    except ValueError:
        raise ConfigError(f"LOYALTY_PROXY_HOPS must be a whole number (0: no reverse proxy), not {raw!r}") from None


def _check_smtp_url(url: str) -> None:
    """The mailer is built lazily by the first job that sends: a typo must stop the process at start instead."""
    hint = "LOYALTY_SMTP_URL must look like smtp://user:password@host:587?starttls=1 or smtps://host"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is no number
    except ValueError as exc:
        raise ConfigError(f"{hint} (the port is not valid)") from exc
    if parts.scheme not in {"smtp", "smtps"}:
        raise ConfigError(f"{hint}, not {parts.scheme + '://...' if parts.scheme else repr(url)}")
    if not parts.hostname:
        raise ConfigError(f"{hint} (no host given)")


def check_redis_url(url: str, installed: Callable[[str], object] = find_spec) -> None:
    """Shared rate limits need the `redis` package, an extra: without it every storefront request would fail."""
    if not url:
        return
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("LOYALTY_REDIS_URL must look like redis://host:6379/0 (or rediss://, unix://)")
    if installed("redis") is None:
        raise ConfigError("LOYALTY_REDIS_URL needs the redis package: pip install -e '.[redis]'")


def _check_database_url(url: str) -> None:
    """An unknown scheme (foo://) or a driver that is not installed, named before an engine is built."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    hint = "LOYALTY_DATABASE_URL must be sqlite:///path/to/loyalty.db or postgresql://user:password@host/db"
    shown = url.split("://", 1)[0] + "://..." if "://" in url else repr(url)
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":
            return  # app.db.make_engine picks psycopg 3 for it
        # Only SQLite and PostgreSQL are supported (mysql:// would fail later, importing a driver we never ship).
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ConfigError(f"{hint} (only SQLite and PostgreSQL are supported), not {shown}")
        parsed.get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as exc:
        raise ConfigError(f"{hint}, not {shown}") from exc


def _switch(value: str) -> bool | None:
    """The switch's value: on/off (also 1/0, true/false, yes/no); empty or "auto": None, the database's default."""
    word = value.strip().lower()
    if word in {"", "auto"}:
        return None
    if word in {"1", "on", "true", "yes"}:
        return True
    if word in {"0", "off", "false", "no"}:
        return False
    raise ConfigError(f"not a switch: {value!r} (on, off or auto)")
