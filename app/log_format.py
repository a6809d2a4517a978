"""The log line format: the message, then the context a call passed as `extra=` (shop, topic, delivery id)."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class ContextFormatter(logging.Formatter):
    """`… webhook for unknown shop shop=neu.myshopify.com topic=orders/paid`: extras as key=value, in call order."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        # Here rather than in format(): the context belongs on the message's own line, before a traceback, not
        # after the exception's last line, where `job failed` ended as "...ZeroDivisionError: ... job=<id>".
        line = super().formatMessage(record)
        context = " ".join(f"{key}={value}" for key, value in vars(record).items() if key not in _STANDARD)
        return f"{line} {context}" if context else line


def configure(level: int) -> None:
    """Log to stderr at `level` in the format above (the CLI's processes)."""
    handler = logging.StreamHandler()
    handler.setFormatter(ContextFormatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    # A line for every run of every job, and for every request `loyalty run` answers, otherwise.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def as_service() -> None:
    """A long-running process (web tier, worker) logs at INFO: shops installed, webhooks answered without effect
    (duplicates, topics not handled), syncs; what an operator reads when asking what happened."""
    root = logging.getLogger()
    root.setLevel(min(root.level, logging.INFO))
