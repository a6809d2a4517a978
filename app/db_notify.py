"""One LISTEN connection per process: a daemon thread hands each notification of a channel to a callback.

The storefront's per-process answers (app.services.storefront_cache) are only as good as this stream: the
thread reports when LISTEN is in place (`on_ready`) and when it is lost (`on_lost`), so the cache can stop
trusting itself at once and start again, empty, once nothing can have been missed. It reconnects with
backoff. The connection is made through the engine (its connect hooks run), then detached from the pool,
like `app.db_reads.Reader`'s; a forked child starts its own thread on its own connection.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # how often the thread looks up from the socket to see whether it should stop
BACKOFF = (0.1, 0.5, 1.0, 2.0, 5.0)  # seconds between reconnect attempts, the last one repeated


class Listener:
    """LISTEN `channel` on a connection of `engine`; `on_message(payload)` for each notification."""

    def __init__(
        self,
        engine: Engine,
        channel: str,
        on_message: Callable[[str], None],
        on_ready: Callable[[], None],
        on_lost: Callable[[], None],
    ) -> None:
        self._engine = engine
        self._channel = channel
        self._on_message = on_message
        self._on_ready = on_ready
        self._on_lost = on_lost
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.connection: Any = None  # the live LISTEN connection (tests close it to simulate a loss)
        event.listen(engine, "engine_disposed", lambda _engine: self.stop())

    def ensure_started(self) -> None:
        """Start the thread in this process if it is not running (cheap when it is: called per request)."""
        if self._pid == os.getpid() and self._thread is not None:
            return
        with self._lock:
            if self._pid == os.getpid() and self._thread is not None:
                return
            self._pid = os.getpid()  # a forked child inherits the attribute but not the thread
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"listen-{self._channel}", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (the app's engine was disposed); it closes its connection."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread() and self._pid == os.getpid():
            thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except Exception:  # noqa: BLE001 - any loss: the callback makes the cache stop trusting itself
                log.warning("storefront LISTEN connection lost; reconnecting", exc_info=True)
                self._on_lost()
                self._stop.wait(BACKOFF[min(failures, len(BACKOFF) - 1)])
                failures += 1
        self._on_lost()

    def _listen(self) -> None:
        connection = self._connect()
        self.connection = connection
        try:
            connection.execute(f"LISTEN {self._channel}")
            self._on_ready()
            while not self._stop.is_set():
                for notification in connection.notifies(timeout=POLL_SECONDS):
                    self._on_message(notification.payload)
                    if self._stop.is_set():
                        break
        finally:
            self.connection = None
            connection.close()

    def _connect(self) -> Any:
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        connection.autocommit = True
        return connection


class ListenGated:
    """A per-process cache trusted only while LISTEN is up: `enable` (in place) and `disable` (lost) both
    forget everything (`clear`, the cache's own), so nothing missed in between is ever used."""

    enabled = False

    def clear(self) -> None:
        raise NotImplementedError

    def enable(self) -> None:
        """LISTEN is in place: start afresh (whatever changed while it was not is not held)."""
        self.clear()
        self.enabled = True

    def disable(self) -> None:
        """The LISTEN connection is lost: stop using what is held until `enable`."""
        self.enabled = False
        self.clear()


class ChangeFeed:
    """One LISTEN connection's news for every per-process cache that depends on it.

    Each subscriber has `apply(payload)`, `enable()` (LISTEN in place: start afresh) and `disable()` (lost:
    stop trusting yourself); it is subscribed under a name, and a new one of the same name replaces the old.
    One subscribing while LISTEN is already in place is enabled at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, Any] = {}
        self._ready = False

    def subscribe(self, name: str, subscriber: Any) -> None:
        with self._lock:
            self._subscribers[name] = subscriber
            if self._ready:
                subscriber.enable()

    def apply(self, payload: str) -> None:
        for subscriber in list(self._subscribers.values()):
            subscriber.apply(payload)

    def enable(self) -> None:
        with self._lock:
            self._ready = True
            for subscriber in self._subscribers.values():
                subscriber.enable()

    def disable(self) -> None:
        with self._lock:
            self._ready = False
            for subscriber in self._subscribers.values():
                subscriber.disable()
