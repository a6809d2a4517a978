"""The search fold (app.db_text): the database folds a name exactly as Python does, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import String, literal, select

from app.container import Container
from app.db_text import fold, folded

NAMES = ["Öztürk", "ÖZTÜRK", "Änne", "Straße", "STRASSE", "ẞ", "Jürgen-Ötzi Köhler", "Ærø", "Łódź", "Yılmaz",
         "O\u0308zlem", "İstanbul", "Øresund", "Đorđe", "ﬁne", "rabatt_50%@example.de", "O'Hara", ""]


@pytest.mark.parametrize("name", NAMES)
def test_the_database_folds_a_name_as_python_does(container: Container, name: str) -> None:
    with container.engine.connect() as connection:
        assert connection.scalar(select(folded(literal(name, String())))) == fold(name)


def test_a_null_stays_null_when_folded(container: Container) -> None:
    with container.engine.connect() as connection:
        assert connection.scalar(select(folded(literal(None, String())))) is None


def test_latin_capitals_fold_under_postgresqls_c_collation_too(container: Container, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("collations are PostgreSQL's")
    latin = [name for name in NAMES if name]
    with container.engine.connect() as connection:
        shown = [connection.scalar(select(folded(literal(name, String()).collate("C")))) for name in latin]
    assert shown == [fold(name) for name in latin]


def test_german_letters_fold_to_their_base_letters() -> None:
    assert [fold(name) for name in ("Öztürk", "STRASSE", "Straße", "O\u0308zlem", "Ærø", "Yılmaz")] == [
        "ozturk", "strasse", "strasse", "ozlem", "aero", "yilmaz"]
