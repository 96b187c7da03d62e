"""Nothing outside a kind compares kind names (issue 11): the engine, core, the CLI, the API,
artifacts, review and hooks ask the step's kind (gitmigrate/engine/kinds.py) instead, so a new
kind is one package plus its registration.

A comparison is `x.kind == "sql"`, `kind != "data"`, `step.kind in ("sql", "data")` and the like,
also against a module-level constant holding such literals (`kind in REPO_KINDS`), found by
parsing each module with `ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gitmigrate"
SCANNED = ("core", "engine", "cli", "api", "api.py", "artifacts", "review", "hooks")


def _modules() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        path = PACKAGE / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(path.rglob("*.py"))
    return found


def _is_kind(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "kind") or (
        isinstance(node, ast.Name) and node.id == "kind"
    )


def _literal_names(tree: ast.Module) -> set[str]:
    """Module-level names bound to a string or a tuple/list/set/frozenset of strings."""
    names = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Call) and not value.keywords and len(value.args) == 1:
            value = value.args[0]  # frozenset({...})
        if _is_strings(value, set()):
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _is_strings(node: ast.expr, constants: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(_is_strings(e, constants) for e in node.elts)
    return False


def kind_comparisons(source: str) -> list[int]:
    """Lines of `source` where a kind is compared with a kind name."""
    tree = ast.parse(source)
    constants = _literal_names(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for left, right in zip(sides, sides[1:], strict=False):
            if (_is_kind(left) and _is_strings(right, constants)) or (
                _is_kind(right) and _is_strings(left, constants)
            ):
                lines.append(node.lineno)
                break
    return lines


def _offenders() -> dict[str, list[int]]:
    found = {}
    for path in _modules():
        lines = kind_comparisons(path.read_text(encoding="utf-8"))
        if lines:
            found[path.relative_to(PACKAGE).as_posix()] = lines
    return found


def test_the_detector_finds_each_form_of_comparison() -> None:
    source = (
        'A = step.kind == "sql"\n'
        'B = "data" != kind\n'
        'C = s.step.kind in ("code", "config")\n'
        'REPO = frozenset({"code", "config"})\n'
        "D = step.kind not in REPO\n"
        'E = step.kind == other.kind or step.name == "sql"\n'
        'F = step.mode == "set"\n'
    )
    assert kind_comparisons(source) == [1, 2, 3, 5]


def test_no_module_outside_the_kinds_compares_kind_names() -> None:
    found = _offenders()
    assert not found, (
        "ask the step's kind (gitmigrate/engine/kinds.py) instead of comparing its name: "
        + "; ".join(f"gitmigrate/{path} lines {lines}" for path, lines in sorted(found.items()))
    )
