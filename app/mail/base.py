"""The mailer port: what services and jobs need from an email backend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Protocol


class MailError(Exception):
    """Sending failed. `permanent` (a 5xx answer) means retrying the same message cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


OnSent = Callable[[int], None]


class Mailer(Protocol):
    """Sends finished MIME messages; each backend reuses one connection per batch."""

    def send(self, message: EmailMessage) -> None:
        """Send one message or raise MailError."""
        ...

    def send_batch(
        self, messages: Sequence[EmailMessage], on_sent: OnSent | None = None
    ) -> list[MailError | None]:
        """Send several messages in order; one outcome per message (None: accepted).

        `on_sent(index)` runs right after each message is accepted, so the caller can record it at once:
        a worker killed mid-batch then resends nothing that was already accepted.
        """
        ...


class RecordingMailer:
    """Keeps what it was given (tests, previews); `fail_with` makes every send fail."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.fail_with: MailError | None = None

    def send(self, message: EmailMessage) -> None:
        """Record the message, or raise the configured failure."""
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)

    def send_batch(
        self, messages: Sequence[EmailMessage], on_sent: OnSent | None = None
    ) -> list[MailError | None]:
        """Record each message in turn."""
        return send_each(self.send, messages, on_sent)


def send_each(
    send: Callable[[EmailMessage], None], messages: Sequence[EmailMessage], on_sent: OnSent | None
) -> list[MailError | None]:
    """Send messages one by one (backends without a connection to share); a failure affects that message only."""
    outcomes: list[MailError | None] = []
    for index, message in enumerate(messages):
        try:
            send(message)
        except MailError as exc:
            outcomes.append(exc)
            continue
        outcomes.append(None)
        if on_sent is not None:
            on_sent(index)
    return outcomes
