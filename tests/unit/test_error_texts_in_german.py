"""Every error text the product raises for a reader exists in German too (the guard behind `localize`)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import app
from app.domain.errors import Forbidden, LoyaltyError, PlatformError, Unauthorized
from app.i18n.validation import localize

APP = Path(app.__file__).resolve().parent


def error_classes(base: type[LoyaltyError] = LoyaltyError) -> set[str]:
    """The names of `base` and every error class under it, wherever in the app it is defined."""
    for module in pkgutil.walk_packages([str(APP)], "app."):
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError:  # an optional dependency missing here
            continue
    found: set[str] = set()
    todo: list[type[LoyaltyError]] = [base]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def raised_texts(names: set[str], logged_only: set[str]) -> Iterator[tuple[str, str]]:
    """(where, text) for each literal message and field error of a domain error built in the app's source.

    A platform error's own words go to the log, its reader gets the class's `message` (api/errors.py): of
    those (`logged_only`) only the class messages count.
    """
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(APP.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ClassDef) and node.name in names:
                for statement in node.body:
                    if (isinstance(statement, ast.Assign) and _named(statement, "message")
                            and _text(statement.value) is not None):
                        yield where, str(_text(statement.value))
            if not isinstance(node, ast.Call):
                continue
            called = _called(node)
            if called not in names or called in logged_only:
                continue
            if node.args and _text(node.args[0]) is not None:
                yield where, str(_text(node.args[0]))
            for keyword in node.keywords:
                if keyword.arg == "errors" and isinstance(keyword.value, ast.Dict):
                    for value in keyword.value.values:
                        for item in value.elts if isinstance(value, ast.List) else [value]:
                            if _text(item) is not None:
                                yield where, str(_text(item))


def _named(statement: ast.Assign, name: str) -> bool:
    return any(isinstance(target, ast.Name) and target.id == name for target in statement.targets)


def _called(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


TEXTS = sorted(set(raised_texts(error_classes(), error_classes(PlatformError))))


def test_the_guard_finds_the_errors_it_is_meant_to_check() -> None:
    assert len(TEXTS) > 50
    assert any(text == "Not enough points." for _, text in TEXTS)


def test_every_error_text_the_app_raises_has_a_german_translation() -> None:
    missing = [f"{where}: {text!r}" for where, text in TEXTS if localize(text, "de") == text]

    assert missing == [], "no German in app/i18n/validation.py for these"


def test_a_refusal_says_a_fixed_sentence_never_a_libraries_words_or_the_request_it_refuses() -> None:
    refusals = error_classes(Unauthorized) | error_classes(Forbidden)
    built = [
        (f"{path.relative_to(APP.parent)}:{node.lineno}", node.args[0])
        for path in sorted(APP.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and node.args and _called(node) in refusals
    ]

    assert len(built) > 20
    assert [where for where, message in built if _text(message) is None] == []
