"""The file backend (the default): each message becomes an .eml file under instance/outbox/."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from app.mail.base import MailError, OnSent, OutgoingMessage, WhileWaiting, send_each


class FileMailer:
    """Writes one .eml per Message-ID, so sending the same message again rewrites the same file."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, message: OutgoingMessage) -> None:
        """Write the message atomically (temporary file, then rename)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{_file_name(message)}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.data)  # the bytes SMTP would send
            tmp.replace(path)
        except OSError as exc:
            raise MailError(f"cannot write to {self.directory}: {exc}") from exc

    def send_batch(
        self,
        messages: Sequence[OutgoingMessage],
        on_sent: OnSent | None = None,
        while_waiting: WhileWaiting | None = None,
    ) -> list[MailError | None]:
        """Write each message; a failure is reported for that message only."""
        return send_each(self.send, messages, on_sent, while_waiting)


def _file_name(message: OutgoingMessage) -> str:
    message_id = message.message_id.strip("<>").split("@")[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", message_id)[:150] or "message"
