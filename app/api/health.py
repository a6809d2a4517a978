"""Liveness and readiness: /healthz answers 200 when the app and its database are up, with the schema this code
needs; 503 while the database is unreachable or not migrated (`loyalty serve` does not migrate)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.api import container
from app.migrate import database_revision, head_revision, is_past

blp = Blueprint("health", __name__, description="Health check.")
# A verdict on the schema stands this long: a probe every second costs one read every few seconds, and a database
# migrated meanwhile is ready within this time.
SCHEMA_CHECK_SECONDS = 5.0


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok | unavailable"})
    database = fields.String(required=True, metadata={"description": "ok, or what keeps the database from use"})


@dataclass
class _Verdict:
    problem: str | None  # None: ready
    until: float


class SchemaCheck:
    """The database's schema against this code's migrations, remembered for a few seconds."""

    def __init__(self, seconds: float = SCHEMA_CHECK_SECONDS) -> None:
        self.seconds = seconds
        self._verdict: _Verdict | None = None
        self._lock = threading.Lock()

    def problem(self, engine: Engine) -> str | None:
        """None when the database is at (or past) this code's newest migration; else why it is not ready."""
        verdict = self._verdict
        if verdict is None or verdict.until < time.monotonic():
            with self._lock:  # one probe reads, the ones arriving meanwhile take its verdict
                verdict = self._verdict
                if verdict is None or verdict.until < time.monotonic():
                    verdict = _Verdict(_schema_problem(engine), time.monotonic() + self.seconds)
                    self._verdict = verdict
        return verdict.problem


def _schema_problem(engine: Engine) -> str | None:
    with engine.connect() as connection:
        current = database_revision(connection)
    head = head_revision()
    if current is None:
        return "no schema: run `loyalty db upgrade`"
    if head is not None and is_past(head, current):
        return f"schema at {current}, this code needs {head}: run `loyalty db upgrade`"
    return None


@blp.route("/healthz")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="database unreachable or not migrated")
def healthz() -> Any:
    """Report that the service answers and its database is reachable and migrated."""
    check: SchemaCheck | None = current_app.extensions.get("health_schema_check")
    if check is None:
        check = current_app.extensions.setdefault("health_schema_check", SchemaCheck())
    try:
        problem = check.problem(container().engine)
    except DBAPIError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    if problem is not None:
        return {"status": "unavailable", "database": problem}, 503
    return {"status": "ok", "database": "ok"}
