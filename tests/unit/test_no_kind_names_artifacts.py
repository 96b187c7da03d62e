"""artifacts/, review/ and hooks/ ask a step's kind (its Description); none of them compares a
kind name (issue 11): a repository kind must not need an edit there."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gitmigrate

PACKAGES = ("artifacts", "review", "hooks")
ROOT = Path(gitmigrate.__file__).parent


def _is_kind(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "kind") or (
        isinstance(node, ast.Name) and node.id == "kind"
    )


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_is_literal(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):  # frozenset({...})
        return node.func.id in ("frozenset", "set", "tuple") and all(
            _is_literal(a) for a in node.args
        )
    return False


def kind_comparisons(source: str) -> list[int]:
    """Lines comparing `.kind`/`kind` with a string literal or a collection of literals."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for left, right in zip(sides, sides[1:], strict=False):
            if (_is_kind(left) and _is_literal(right)) or (_is_kind(right) and _is_literal(left)):
                found.append(node.lineno)
    return found


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_compares_no_kind_name(path: Path) -> None:
    lines = kind_comparisons(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.relative_to(ROOT)} compares kind names at line(s) {lines}"


@pytest.mark.parametrize(
    "source",
    [
        'step.kind == "sql"',
        '"data" != f.step.kind',
        'step.kind not in ("sql", "data")',
        'kind in {"code", "config"}',
        'step.kind in frozenset({"code"})',
    ],
)
def test_the_check_finds_a_comparison(source: str) -> None:
    assert kind_comparisons(source) == [1]


def test_the_check_lets_kind_neutral_code_pass() -> None:
    assert kind_comparisons('d.runs_in == "tree"\nstep.kind in available()\nx = step.kind') == []
