"""The one place that picks concrete implementations: database, clock, secrets, platform adapters and clients."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from app.clock import Clock, SystemClock
from app.config import Settings
from app.db import make_engine, make_session_factory
from app.platforms.base import PlatformClient, WebhookAdapter
from app.security import SecretBox
from app.uow import UnitOfWork


class Container:
    """Built once per process by `create_app` or the CLI; tests pass fakes as keyword arguments."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        platform_clients: dict[str, PlatformClient] | None = None,
        **ports: Any,
    ) -> None:
        self.settings = settings
        _ensure_sqlite_dir(settings.database_url)
        self.engine = make_engine(settings.database_url, settings.db_pool_size)
        self.session_factory = make_session_factory(self.engine)
        self.clock: Clock = clock or SystemClock()
        self.box = SecretBox(settings.secret_key)
        self._platform_clients = platform_clients
        self.ports = ports
        self.stopping = threading.Event()  # set by `loyalty worker` on SIGTERM: long jobs stop between batches
        self._reader: Any = None
        self._reader_lock = threading.Lock()
        self._feed: tuple[Any, Any] | None = None

    @property
    def rate_limiter(self) -> Any:
        """Storefront rate limits: in this process, or in Redis when LOYALTY_REDIS_URL is set."""
        if "rate_limiter" not in self.ports:
            from app.rate_limit import build_limiter

            self.ports["rate_limiter"] = build_limiter(self.settings.redis_url, self.clock)
        return self.ports["rate_limiter"]

    @property
    def reader(self) -> Any:
        """The kept-connection reader of the storefront's hot reads (app.db_reads); closed with the engine."""
        if self._reader is None:
            with self._reader_lock:
                if self._reader is None:
                    from app.db_reads import Reader

                    self._reader = Reader(self.engine)
        return self._reader

    @property
    def shop_directory(self) -> Any:
        """The storefront's per-process copy of shops (app.services.storefront_shops)."""
        if "storefront_shops" not in self.ports:
            from app.services.storefront_shops import ShopDirectory

            self.ports.setdefault("storefront_shops", ShopDirectory())
        return self.ports["storefront_shops"]

    @property
    def program_cache(self) -> Any:
        """The storefront's per-process cache of shop-wide programme blocks (app.services.storefront_view)."""
        if "storefront_program_cache" not in self.ports:
            from app.services.storefront_view import ProgramCache

            self.ports.setdefault("storefront_program_cache", ProgramCache())
        return self.ports["storefront_program_cache"]

    def picture_sources(self) -> Any:
        """What the widget's picture is read from (app.services.storefront_view.PictureSources), from the
        current ports (a test may replace one)."""
        from app.services.storefront_view import PictureSources

        return PictureSources(self.reader, self.uow, self.program_cache)

    @property
    def shopper_views(self) -> Any:
        """The widget's per-process answers (app.services.storefront_cache), or None when off (SQLite, setting).

        Kept coherent by one LISTEN thread per process (app.db_notify), started on first use: after a fork,
        each gunicorn worker starts its own. Shop-wide changes also drop the shop directory's copy."""
        return self._listening("storefront_views", self._new_shopper_views)

    @property
    def shop_copies(self) -> Any:
        """The webhook's per-process copies of shops (app.services.shop_copies), or None when off; the same
        LISTEN thread keeps them coherent."""
        return self._listening("shop_copies", self._new_shop_copies)

    def _listening(self, port: str, build: Any) -> Any:
        if port not in self.ports:
            with self._reader_lock:
                if port not in self.ports:
                    self.ports[port] = build() if self.settings.storefront_cache_on else None
        pair = self.ports[port]
        if pair is None:
            return None
        pair[1].ensure_started()
        return pair[0]

    def _change_feed(self) -> tuple[Any, Any]:
        # One LISTEN connection per process for every cache that needs one, for the container's life (called
        # under _reader_lock); the caches themselves are ports, replaced by name when a test resets them.
        if self._feed is None:
            from app.db_notify import ChangeFeed, Listener

            feed = ChangeFeed()
            self._feed = (feed, Listener(self.engine, "loyalty_storefront", feed.apply, feed.enable, feed.disable))
        return self._feed

    def _new_shopper_views(self) -> tuple[Any, Any]:
        from app.services.storefront_cache import ShopperViews

        views = ShopperViews()
        views.on_shop_change(self.shop_directory.forget_shop)
        feed, listener = self._change_feed()
        feed.subscribe("storefront_views", views)
        return views, listener

    def _new_shop_copies(self) -> tuple[Any, Any]:
        from app.services.shop_copies import ShopCopies

        copies = ShopCopies()
        feed, listener = self._change_feed()
        feed.subscribe("shop_copies", copies)
        return copies, listener

    def uow(self) -> UnitOfWork:
        """A fresh unit of work (one transaction) for one service call."""
        return UnitOfWork(self.session_factory)

    @property
    def webhook_adapters(self) -> dict[str, WebhookAdapter]:
        from app.platforms.shopify.webhooks import ShopifyWebhookAdapter
        from app.platforms.woocommerce.webhooks import WooCommerceWebhookAdapter

        return {"shopify": ShopifyWebhookAdapter(), "woocommerce": WooCommerceWebhookAdapter()}

    def shopify_secrets(self) -> list[str]:
        """The app secret, and the previous one while a rotation is under way (PLATFORMS §1.2)."""
        return [s for s in (self.settings.shopify_api_secret, self.settings.shopify_api_secret_previous) if s]

    def platform_client(self, platform: str) -> PlatformClient:
        """The Admin API client for a platform (fakes in tests)."""
        if self._platform_clients is None:
            self._platform_clients = self._real_platform_clients()
        return self._platform_clients[platform]

    def _real_platform_clients(self) -> dict[str, PlatformClient]:
        from app.platforms.shopify.admin import ShopifyAdminClient
        from app.platforms.woocommerce.admin import WooCommerceAdminClient

        return {
            "shopify": ShopifyAdminClient(
                api_base=self.settings.shopify_api_base, api_version=self.settings.shopify_api_version
            ),
            "woocommerce": WooCommerceAdminClient(),
        }

    @property
    def mailer(self) -> Any:
        """The mailer port: a test's fake, else the file (instance/outbox/) or SMTP backend from settings."""
        if self.ports.get("mailer") is None:
            if self.settings.email_backend == "smtp":
                from app.mail.smtp import SmtpMailer

                self.ports["mailer"] = SmtpMailer.from_url(self.settings.smtp_url)
            else:
                from app.mail.file import FileMailer

                self.ports["mailer"] = FileMailer(self.settings.instance_path / "outbox")
        return self.ports["mailer"]

    def dispose(self) -> None:
        self.engine.dispose()


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
