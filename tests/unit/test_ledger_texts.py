"""Every reason and kind the code posts to the ledger has a German and an English text: the merchant's member
history reads `ledger.<reason>`, the shopper's widget `storefront.history.<kind>`. The reasons are found by
reading the code (every `Posting(...)` call, its arguments followed back through local assignments and the
callers' arguments), so a new reason cannot ship without its texts."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

import app
from app.i18n import LOCALES, catalogue
from app.models import LedgerEntry
from app.services.admin_members import readable_reason

APP = Path(app.__file__).parent
# What the merchant typed shows as typed ("Manuelle Anpassung: <text>" for an adjustment): no text to look up.
FREE_TEXT = {"adjust_points: reason.strip()", "_act: params.get('reason')"}

Found = tuple[set[str], set[str]]  # (literal values, descriptions of values the code cannot tell)


class Code:
    """The app's source, parsed once, with each node's enclosing function."""

    def __init__(self, root: Path) -> None:
        self.trees = [ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(root.rglob("*.py"))]
        self.function_of: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.dicts: dict[str, ast.Dict] = {}
        for tree in self.trees:
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                    self.dicts.update({t.id: node.value for t in node.targets if isinstance(t, ast.Name)})
            for function in ast.walk(tree):
                if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    for child in ast.walk(function):
                        self.function_of[child] = function  # inner functions come later and win

    def calls(self, name: str) -> Iterator[ast.Call]:
        for tree in self.trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _callee(node) == name:
                    yield node

    def values(self, expr: ast.expr, at: ast.AST, depth: int = 0) -> Found:
        """The string values `expr` (inside the function around `at`) can have."""
        function = self.function_of.get(at)
        where = function.name if function else "<module>"
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}, set()
        if isinstance(expr, ast.IfExp | ast.BoolOp) and depth < 8:
            parts = [expr.body, expr.orelse] if isinstance(expr, ast.IfExp) else expr.values
            return _union(self.values(part, at, depth + 1) for part in parts)
        if _is_dict_get(expr, self.dicts) and depth < 8:
            table = self.dicts[expr.func.value.id]  # type: ignore[attr-defined]
            found = [self.values(v, at, depth + 1) for v in table.values] + [self.values(expr.args[1], at, depth + 1)]
            return _union(found)
        if isinstance(expr, ast.Name) and function is not None and depth < 8:
            assigned = list(_assigned(function, expr.id))
            if assigned:
                return _union(self.values(value, value, depth + 1) for value in assigned)
            names = [a.arg for a in function.args.posonlyargs + function.args.args]
            index = names.index(expr.id) if expr.id in names else 999
            passed = list(arguments(self.calls(function.name), index, expr.id))
            if passed:
                return _union(self.values(arg, call, depth + 1) for arg, call in passed)
        return set(), {f"{where}: {ast.unparse(expr)}"}


def arguments(calls: Iterable[ast.Call], index: int, keyword: str) -> Iterator[tuple[ast.expr, ast.Call]]:
    """Each call's argument number `index` (or `keyword=`), with the call."""
    for call in calls:
        if index < len(call.args):
            yield call.args[index], call
        yield from ((kw.value, call) for kw in call.keywords if kw.arg == keyword)


def _assigned(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> Iterator[ast.expr]:
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            yield node.value


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_dict_get(expr: ast.expr, dicts: dict[str, ast.Dict]) -> bool:
    """`TABLE.get(key, default)` on a module-level dict literal."""
    return (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get"
        and isinstance(expr.func.value, ast.Name) and expr.func.value.id in dicts and len(expr.args) == 2
    )  # fmt: skip


def _has_texts(key: str) -> bool:
    texts = catalogue().get(key, {})
    return all(texts.get(locale) for locale in LOCALES)


def _union(found: Iterable[Found]) -> Found:
    literals: set[str] = set()
    free: set[str] = set()
    for values, unknown in found:
        literals |= values
        free |= unknown
    return literals, free


@pytest.fixture(scope="module")
def posted() -> dict[str, Found]:
    """What the code posts: {"kind": (literals, free), "reason": (literals, free)} over every `Posting(...)`."""
    code = Code(APP)
    calls = list(code.calls("Posting"))
    return {
        field: _union(code.values(arg, call) for arg, call in arguments(calls, index, field))
        for index, field in enumerate(("kind", "reason"))
    }


def test_the_code_reading_finds_the_reasons_of_orders_reviews_coupons_and_one_off_awards(posted) -> None:  # type: ignore[no-untyped-def]
    reasons, _ = posted["reason"]
    assert {"order_paid", "order_refunded", "review", "coupon_expired", "points_expired", "signup"} <= reasons


def test_every_reason_the_code_posts_has_a_german_and_an_english_text_for_the_merchant(posted) -> None:  # type: ignore[no-untyped-def]
    reasons, free = posted["reason"]
    missing = sorted(reason for reason in reasons if not _has_texts(f"ledger.{reason}"))
    assert missing == [], f"add ledger.<reason> texts (de and en) to app/i18n/ledger.py for {missing}"
    assert free <= FREE_TEXT, f"reasons the code reading cannot tell: {sorted(free - FREE_TEXT)}"


def test_every_kind_the_code_posts_has_a_german_and_an_english_label_in_the_widget_history(posted) -> None:  # type: ignore[no-untyped-def]
    kinds, free = posted["kind"]
    missing = sorted(kind for kind in kinds if not _has_texts(f"storefront.history.{kind}"))
    assert missing == [], f"add storefront.history.<kind> texts to app/i18n/storefront.py for {missing}"
    assert free == set(), f"kinds the code reading cannot tell: {sorted(free)}"


@pytest.mark.parametrize(("locale", "text"), [("de", "Bewertung zu Bestellung #1042"), ("en", "Review of order #1042")])
def test_review_points_read_as_a_review_of_the_order_in_the_member_history(locale: str, text: str) -> None:
    entry = LedgerEntry(kind="review", reason="review", source_ref="5001", order_id=7)

    assert readable_reason(entry, locale, {7: "#1042"}) == text
