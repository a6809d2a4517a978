"""The SMTP backend from LOYALTY_SMTP_URL (smtp://...?starttls=1 or smtps://...): one connection per batch."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from app.mail.base import MailError, OnSent, OutgoingMessage, WhileWaiting

TRUE = {"1", "true", "yes", "on"}
UTF8_OPTIONS = ("SMTPUTF8", "BODY=8BITMIME")  # what smtplib's send_message asks for with non-ASCII addresses
# An ASCII dot-atom address (what `build_message` lets through unchanged): smtplib's quoteaddr returns it as
# "<address>", so it is bracketed without re-parsing it; anything else still goes through quoteaddr.
DOT_ATOM = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*"
)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to connect."""

    host: str
    port: int
    use_tls: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://...?starttls=1: upgrade after EHLO
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """Parse `smtp://[user:password@]host[:port][?starttls=1&timeout=20]` or `smtps://...`."""
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("LOYALTY_SMTP_URL must look like smtp://user:password@host:587?starttls=1")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        use_tls = parts.scheme == "smtps"
        starttls = query.get("starttls", "").lower() in TRUE
        default_port = 465 if use_tls else (587 if starttls else 25)
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            use_tls=use_tls,
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=float(query.get("timeout", "20")),
        )


class SmtpMailer:
    """Opens one connection per batch and sends the messages over it in order."""

    def __init__(self, config: SmtpConfig, ssl_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        self._ssl_context = ssl_context

    @classmethod
    def from_url(cls, url: str) -> SmtpMailer:
        """A mailer for LOYALTY_SMTP_URL."""
        return cls(SmtpConfig.from_url(url))

    def send(self, message: OutgoingMessage) -> None:
        """Send one message over its own connection."""
        outcome = self.send_batch([message])[0]
        if outcome is not None:
            raise outcome

    def send_batch(
        self,
        messages: Sequence[OutgoingMessage],
        on_sent: OnSent | None = None,
        while_waiting: WhileWaiting | None = None,
    ) -> list[MailError | None]:
        """Send in order over one connection; a lost connection fails the rest of the batch (retried later).

        `while_waiting` runs while the server answers each message's MAIL FROM: the caller's CPU work
        (rendering the next batch) overlaps the server's instead of adding to it.
        """
        if not messages:
            return []
        try:
            connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            error = _as_mail_error(exc)
            return [error for _ in messages]
        outcomes: list[MailError | None] = []
        try:
            for index, message in enumerate(messages):
                try:
                    # The finished bytes as they are: no parsing or re-folding per message (send_message did).
                    transmit(connection, message, while_waiting)
                    outcomes.append(None)
                    if on_sent is not None:
                        on_sent(index)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    outcomes.append(_as_mail_error(exc))
                    _reset(connection)
                except smtplib.SMTPNotSupportedError as exc:
                    # Raised before MAIL FROM: the connection is as it was. The relay will not learn SMTPUTF8
                    # by retrying; the message fails with the reason and the rest of the batch goes on.
                    outcomes.append(MailError(f"{type(exc).__name__}: {exc}", permanent=True))
                except (OSError, smtplib.SMTPException) as exc:
                    error = _as_mail_error(exc)
                    outcomes.extend(error for _ in messages[index:])
                    break
        finally:
            _quit(connection)
        return outcomes

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        connection: smtplib.SMTP
        if c.use_tls:
            connection = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._tls_context())
        else:
            connection = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        try:
            connection.ehlo()
            if c.starttls:
                connection.starttls(context=self._tls_context())
                connection.ehlo()
            if c.username:
                connection.login(c.username, c.password or "")
        except BaseException:
            _quit(connection)
            raise
        return connection

    def _tls_context(self) -> ssl.SSLContext:
        # Built once, and only for TLS: loading the system's CA store costs ~25 ms, once per batch before.
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context


def transmit(
    connection: smtplib.SMTP, message: OutgoingMessage, while_waiting: WhileWaiting | None = None
) -> None:
    """smtplib's `sendmail` for one finished message, with the same commands, replies and exceptions.

    Without its per-message overheads: the envelope addresses, already validated by `build_message`, are not
    parsed again (`quoteaddr`, half of sendmail's CPU), and the body is dot-stuffed with two `bytes.replace`
    passes instead of a multiline regex over every byte. Raises SMTPSenderRefused, SMTPRecipientsRefused or
    SMTPDataError after resetting the transaction (closing the connection on a 421), as sendmail does.
    `while_waiting` runs once, after MAIL FROM is sent and before its answer is read.
    """
    connection.ehlo_or_helo_if_needed()
    options = _mail_options(connection, message)
    connection.putcmd("mail", f"FROM:{_bracketed(message.sender)}{options}")
    if while_waiting is not None:
        # The server works on MAIL FROM meanwhile. Not later: killed between the body and its answer, the
        # process would leave an accepted message unmarked, and it would go out twice after the restart.
        while_waiting()
    code, reply = connection.getreply()
    if code != 250:
        _abandon(connection, code)
        raise smtplib.SMTPSenderRefused(code, reply, message.sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in message.recipients:
        connection.putcmd("rcpt", f"TO:{_bracketed(recipient)}")
        code, reply = connection.getreply()
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        if code == 421:
            connection.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(message.recipients):
        _abandon(connection, code)
        raise smtplib.SMTPRecipientsRefused(refused)
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    connection.send(dot_stuffed(message.data))
    code, reply = connection.getreply()
    if code != 250:
        _abandon(connection, code)
        raise smtplib.SMTPDataError(code, reply)


def dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: a "." doubled at the start of every line (RFC 5321 4.5.2), then the end marker.

    The same bytes as smtplib's `_quote_periods` (`re.sub(br"(?m)^\\.", b"..", data)`) plus its terminator.
    """
    stuffed = (b"." + data if data.startswith(b".") else data).replace(b"\n.", b"\n..")
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


def _mail_options(connection: smtplib.SMTP, message: OutgoingMessage) -> str:
    # As sendmail and mail() build them: SIZE when offered, SMTPUTF8 (switching the command encoding) when asked.
    if not connection.does_esmtp:
        return ""
    options = [f"size={len(message.data)}"] if connection.has_extn("size") else []
    if message.smtputf8:
        if not connection.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError(
                "SMTPUTF8 not supported by server (needed for an address with letters beyond ASCII)")
        connection.command_encoding = "utf-8"
        options.extend(UTF8_OPTIONS)
    return " " + " ".join(options) if options else ""


@lru_cache(maxsize=1024)
def _bracketed(address: str) -> str:
    # Few distinct senders and a bounded cache: each address is checked once per process while it recurs.
    return f"<{address}>" if DOT_ATOM.fullmatch(address) else smtplib.quoteaddr(address)


def _abandon(connection: smtplib.SMTP, code: int) -> None:
    # sendmail's reaction to a refusal: a 421 means the server is closing, anything else ends the transaction.
    if code == 421:
        connection.close()
    else:
        _reset(connection)


def _as_mail_error(exc: BaseException) -> MailError:
    code = _smtp_code(exc)
    permanent = code is not None and 500 <= code < 600
    return MailError(f"{type(exc).__name__}: {exc}"[:500], permanent=permanent)


def _smtp_code(exc: BaseException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        # Permanent only when every recipient was refused permanently.
        return min(codes) if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _reset(connection: smtplib.SMTP) -> None:
    try:
        connection.rset()
    except (OSError, smtplib.SMTPException):
        pass


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()
