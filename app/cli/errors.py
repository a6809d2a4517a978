"""How `loyalty` reports a failure an operator can fix: one readable line that names the fix, no traceback."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from app.domain.errors import LoyaltyError
from app.i18n.validation import localize, localize_errors

# The field names of domain errors a merchant's command shows (their messages come from app.i18n.validation).
FIELD_NAMES = {"de": {"email": "E-Mail"}}

# PostgreSQL's undefined_table and undefined_column: what a database without (all) migrations answers.
MISSING_SCHEMA_STATES = {"42P01", "42703"}
MISSING_SCHEMA_WORDS = ("no such table", "no such column")


def error_message(exc: LoyaltyError, locale: str | None = None) -> str:
    """`Unknown member (email: x)`: the error's message with its per-field details, as a sentence reads; in
    `locale` (`Unbekanntes Mitglied (E-Mail: x)`) for a command that speaks the merchant's language."""
    fields = getattr(exc, "errors", None) or exc.details
    message = str(exc).rstrip()
    if locale is not None:
        message, fields = localize(message, locale), localize_errors(fields, locale)
    if not fields:
        return message
    return f"{message.removesuffix('.')} ({field_list(fields, locale=locale or 'en')})"


def field_list(fields: Any, prefix: str = "", locale: str = "en") -> str:
    """`email: x; domain: not a shop URL`: nested fields as dotted names, lists joined by commas."""
    if not isinstance(fields, dict):
        return _value(fields)
    parts = []
    for name, value in fields.items():
        key = f"{prefix}{FIELD_NAMES.get(locale, {}).get(name, name)}"
        parts.append(field_list(value, f"{key}.", locale) if isinstance(value, dict) else f"{key}: {_value(value)}")
    return "; ".join(parts)


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value)
    return str(value)


def file_message(exc: OSError) -> str:
    """`cannot open /no/such/dir/x.csv: No such file or directory`: a file the command was told to use."""
    if exc.filename is None:
        return str(exc)
    return f"cannot open {exc.filename}: {exc.strerror or exc}"


def database_message(exc: DBAPIError, database_url: str) -> str | None:
    """The line for a database the command cannot use; None for an error that is not about the set-up."""
    cause = _first_line(exc.orig) or _first_line(exc)
    if _is_missing_schema(exc):
        return f"the database has no tables yet or an old schema ({cause}): run `loyalty db upgrade`"
    if isinstance(exc, OperationalError):
        return f"cannot use the database LOYALTY_DATABASE_URL={safe_url(database_url)}: {cause}"
    return None


def _is_missing_schema(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in MISSING_SCHEMA_STATES:
        return True
    text = str(exc.orig).lower()
    return any(words in text for words in MISSING_SCHEMA_WORDS)


def _first_line(error: BaseException | None) -> str:
    lines = [line.strip() for line in str(error or "").splitlines() if line.strip()]
    return lines[0] if lines else ""


def safe_url(url: str) -> str:
    """The database URL with its password hidden, fit for a terminal or a log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]
