"""The mailer port: what services and jobs need from an email backend, and the finished message it sends."""

from __future__ import annotations

import email.policy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from typing import Protocol, cast


class MailError(Exception):
    """Sending failed. `permanent` (a 5xx answer) means retrying the same message cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class OutgoingMessage:
    """A finished message: its envelope and its final RFC 5322 bytes (CRLF line ends), sent or stored as they are.

    Built once (`app.mail.mime.build_message`), so no backend parses or re-folds headers per send, and the
    file backend writes exactly the bytes SMTP would carry. `smtputf8`: an address is not ASCII.
    """

    sender: str
    recipients: tuple[str, ...]
    message_id: str
    data: bytes
    smtputf8: bool = False

    def parsed(self) -> EmailMessage:
        """The message read back from the bytes with LF line ends, as a mail store keeps it (tests, previews;
        never on the sending path)."""
        return cast(EmailMessage, message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=email.policy.default))


OnSent = Callable[[int], None]
# Work the caller wants done while the server works on a message (the dispatcher renders its next batch), run
# where losing the process loses nothing: before the message's transaction has begun. It must not raise; a
# backend that never waits calls it after each message.
WhileWaiting = Callable[[], None]


class Mailer(Protocol):
    """Sends finished messages; each backend reuses one connection per batch."""

    def send(self, message: OutgoingMessage) -> None:
        """Send one message or raise MailError."""
        ...

    def send_batch(
        self,
        messages: Sequence[OutgoingMessage],
        on_sent: OnSent | None = None,
        while_waiting: WhileWaiting | None = None,
    ) -> list[MailError | None]:
        """Send several messages in order; one outcome per message (None: accepted).

        `on_sent(index)` runs right after each message is accepted, so the caller can record it at once:
        a worker killed mid-batch then resends nothing that was already accepted. `while_waiting()` runs once
        per message while the server answers its first command (nothing of it is accepted yet).
        """
        ...


class RecordingMailer:
    """Keeps what it was given (tests, previews); `fail_with` makes every send fail.

    `sent` holds each message's bytes read back as an EmailMessage, `outgoing` the messages themselves.
    """

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.outgoing: list[OutgoingMessage] = []
        self.fail_with: MailError | None = None

    def send(self, message: OutgoingMessage) -> None:
        """Record the message, or raise the configured failure."""
        if self.fail_with is not None:
            raise self.fail_with
        self.outgoing.append(message)
        self.sent.append(message.parsed())

    def send_batch(
        self,
        messages: Sequence[OutgoingMessage],
        on_sent: OnSent | None = None,
        while_waiting: WhileWaiting | None = None,
    ) -> list[MailError | None]:
        """Record each message in turn."""
        return send_each(self.send, messages, on_sent, while_waiting)


def send_each(
    send: Callable[[OutgoingMessage], None],
    messages: Sequence[OutgoingMessage],
    on_sent: OnSent | None,
    while_waiting: WhileWaiting | None = None,
) -> list[MailError | None]:
    """Send messages one by one (backends without a connection to share); a failure affects that message only."""
    outcomes: list[MailError | None] = []
    for index, message in enumerate(messages):
        try:
            send(message)
        except MailError as exc:
            outcomes.append(exc)
        else:
            outcomes.append(None)
            if on_sent is not None:
                on_sent(index)
        if while_waiting is not None:
            while_waiting()
    return outcomes
