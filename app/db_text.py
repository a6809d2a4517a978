"""Case- and accent-insensitive text matching that gives the same answer on SQLite and PostgreSQL.

SQLite's lower() folds ASCII letters only ("Öztürk" stays "Öztürk"), and PostgreSQL's does too in a database or
column with the C collation, so a search for "öztürk" found nobody. `folded(column)` is one fold written for both:
the text decomposed (Unicode NFKD), its accents (combining marks U+0300–U+036F) dropped, lower-cased, and the
letters without a decomposition spelled out (ß → ss, æ → ae, ø → o, ł → l). A merchant's "Ozturk" then finds
"Öztürk" too, as German collation (DIN 5007) treats them alike. Only letters of other scripts (Greek, Cyrillic)
are left to the database's lower(), which PostgreSQL's C collation does not fold.

SQLite runs `fold` itself (registered on each connection by app.db); PostgreSQL (15+, a UTF-8 database as
docs/deployment.md asks) runs normalize(), regexp_replace(), lower() and replace(). Both skip the work for pure-ASCII
text, where the fold is lower() alone: measured on 50,000 members, a search scan then costs a few times a plain
lower() on PostgreSQL instead of ~100× with a translate() table (translate() scans its table for every character).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "loyalty_fold"
MARKS = "[\u0300-\u036f]"  # the combining accents NFKD splits off Latin letters
# Letters with no decomposition to a base letter, spelled as German and Nordic readers write them without it. The
# capitals are listed too: PostgreSQL's lower() leaves non-ASCII letters alone under the C collation.
_LOWER_SPELLED = {"ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ł": "l",
                  "ŧ": "t", "ı": "i"}
SPELLED = {**_LOWER_SPELLED, "ẞ": "ss", **{letter.upper(): spelled for letter, spelled in _LOWER_SPELLED.items()
                                           if len(letter.upper()) == 1 and not letter.upper().isascii()}}
_MARKS = re.compile(MARKS)
_SPELLED = str.maketrans(SPELLED)


def fold(text: str) -> str:
    """`text` as `folded()` compares it: "Öztürk" → "ozturk", "STRASSE" and "Straße" → "strasse"."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower().translate(_SPELLED)


def _sqlite_fold(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def register_sqlite_functions(dbapi_connection: Any, _record: Any = None) -> None:
    """Make `loyalty_fold(x)` available on a SQLite connection (deterministic: usable in any query)."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, _sqlite_fold, deterministic=True)


class folded(FunctionElement[str]):  # noqa: N801 - used like SQLAlchemy's func.lower()
    """A text column or expression folded by `fold`, in the database's SQL."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded, "sqlite")
def _compile_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded)
def _compile_sql(element: folded, compiler: Any, **kw: Any) -> str:
    def literal(text: str) -> str:
        return str(compiler.render_literal_value(text, String()))

    text = compiler.process(element.clauses, **kw)
    sql = f"lower(regexp_replace(normalize({text}, NFKD), {literal(MARKS)}, '', 'g'))"
    for letter, spelled in SPELLED.items():
        sql = f"replace({sql}, {literal(letter)}, {literal(spelled)})"
    return f"(CASE WHEN octet_length({text}) = char_length({text}) THEN lower({text}) ELSE {sql} END)"
