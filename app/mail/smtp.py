"""The SMTP backend from LOYALTY_SMTP_URL (smtp://...?starttls=1 or smtps://...): one connection per batch."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from app.mail.base import MailError, OnSent, OutgoingMessage

TRUE = {"1", "true", "yes", "on"}
UTF8_OPTIONS = ("SMTPUTF8", "BODY=8BITMIME")  # what smtplib's send_message asks for with non-ASCII addresses


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
        self, messages: Sequence[OutgoingMessage], on_sent: OnSent | None = None
    ) -> list[MailError | None]:
        """Send in order over one connection; a lost connection fails the rest of the batch (retried later)."""
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
                    connection.sendmail(message.sender, list(message.recipients), message.data,
                                        mail_options=UTF8_OPTIONS if message.smtputf8 else ())
                    outcomes.append(None)
                    if on_sent is not None:
                        on_sent(index)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    outcomes.append(_as_mail_error(exc))
                    _reset(connection)
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
