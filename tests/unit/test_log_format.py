"""The service processes' log line: the message, then its context, on the message's own line."""

from __future__ import annotations

import logging
import sys

from app.log_format import FORMAT, ContextFormatter


def test_context_of_a_failure_is_on_the_first_line_before_its_traceback():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        record = logging.LogRecord("app.jobs.scheduler", logging.ERROR, __file__, 1, "job failed", (), sys.exc_info())
    record.job = "dispatch_outbox"

    first, *rest = ContextFormatter(FORMAT).format(record).splitlines()

    assert first.endswith("ERROR app.jobs.scheduler job failed job=dispatch_outbox")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ZeroDivisionError: division by zero"


def test_context_follows_the_message_in_call_order():
    record = logging.LogRecord("app.services.intake", logging.INFO, __file__, 1, "duplicate webhook delivery", (), None)
    record.shop_id, record.delivery_id = 1, "wh-1"

    assert ContextFormatter(FORMAT).format(record).endswith("duplicate webhook delivery shop_id=1 delivery_id=wh-1")
