"""The SQL a piece of work sends, as the engine's cursor listeners see it (the prebuilt statements' too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from app.container import Container


def statements_during(container: Container, action: Callable[[], Any]) -> list[str]:
    """Every statement `action` sends through the container's engine, in order."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(container.engine, "before_cursor_execute", record)
    return seen
