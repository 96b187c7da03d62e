"""The modern-python recipe against pyupgrade --py310-plus on the same realistic files
(fixtures/code/modern-python/compare/): every line where the two results differ must be a known
difference, named by its id in docs/recipes/modern-python.md; a new difference fails, and so
does a known one that no longer shows (the list stays true)."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from gitmigrate.codemods.recipe import CodeParseError, FileContext
from gitmigrate.codemods.recipes.modern_python.base import target_version
from gitmigrate.codemods.registry import builtin_recipe
from gitmigrate.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
COMPARE = REPO / "fixtures" / "code" / "modern-python" / "compare"
DOC = REPO / "docs" / "recipes" / "modern-python.md"

Hunk = tuple[str, tuple[str, ...], tuple[str, ...]]  # (file, our lines, pyupgrade's lines)

# Every place our result differs from pyupgrade's, with the ids of the differences that make it
# (D1 unused typing imports removed, D3 aliases resolved, D4 shadowed builtin kept and flagged,
# D5 an unquoted annotation gets the other rules in the same run).
KNOWN: dict[Hunk, tuple[str, ...]] = {
    (
        "legacy.py",
        ("from typing import Union",),
        ("import typing", "from typing import Optional, Text, Union"),
    ): ("D1",),
    (
        "legacy.py",
        ("def encode(values: Iterable[str | bytes], sep: str | None = None) -> list[bytes]:",),
        ("def encode(values: Iterable[str | bytes], sep: Text | None = None) -> list[bytes]:",),
    ): ("D5",),
    (
        "models.py",
        ("from typing import Optional, Union",),
        ("from typing import Dict, FrozenSet, List, Optional, Set, Type, Union",),
    ): ("D1",),
    ("pipeline.py", (), ("    Dict,",)): ("D1",),
    ("pipeline.py", (), ("    List,", "    Optional,", "    Tuple,")): ("D1",),
    ("pipeline.py", (), ("    Union,",)): ("D1",),
    (
        "repository.py",
        ("from typing import List",),
        ("from typing import Dict, List", "from typing import Optional as Opt"),
    ): ("D1",),
    (
        "repository.py",
        ("    def names(self, limit: int | None = None) -> List[str]:",),
        ("    def names(self, limit: Opt[int] = None) -> list[str]:",),
    ): ("D3", "D4"),
    (
        "repository.py",
        ("    def pairs(self) -> t.List[tuple[int, str]]:",),
        ("    def pairs(self) -> t.List[t.Tuple[int, str]]:",),
    ): ("D3", "D4"),
    (
        "repository.py",
        ("def build(rows: dict[int, str]) -> Repository:",),
        ("def build(rows: t.Dict[int, str]) -> Repository:",),
    ): ("D3",),
    (
        "service.py",
        ("from typing import Union",),
        ("from typing import Dict, List, Optional, Tuple, Union",),
    ): ("D1",),
}


def _ours(path: Path) -> str:
    ctx = FileContext(path=f"app/{path.name}", module=f"app.{path.stem}", package="app")
    return builtin_recipe("modern-python").transform(path.read_text(encoding="utf-8"), ctx)


def _pyupgrade(path: Path, tmp_path: Path) -> str:
    pytest.importorskip("pyupgrade")
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    done = subprocess.run(
        [sys.executable, "-m", "pyupgrade", "--py310-plus", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return copy.read_text(encoding="utf-8")


def _hunks(name: str, ours: str, theirs: str) -> set[Hunk]:
    a, b = ours.splitlines(), theirs.splitlines()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return {
        (name, tuple(a[i1:i2]), tuple(b[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    }


def _files() -> list[Path]:
    return sorted(COMPARE.glob("*.py"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_same_result_as_pyupgrade_but_the_known_differences(path: Path, tmp_path: Path) -> None:
    ours, theirs = _ours(path), _pyupgrade(path, tmp_path)
    assert ours != path.read_text(encoding="utf-8"), "the recipe changed nothing"
    known = {hunk for hunk in KNOWN if hunk[0] == path.name}
    assert _hunks(path.name, ours, theirs) == known


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_our_result_still_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotations are evaluated at definition time: a rewrite that breaks them fails here."""
    module = types.ModuleType(f"compare_{path.stem}")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # dataclasses look it up
    exec(compile(_ours(path), str(path), "exec"), module.__dict__)


def test_every_known_difference_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for ids in KNOWN.values():
        for ident in ids:
            assert f"**{ident}**" in doc, ident


@pytest.mark.parametrize("text", ["2.7", "3", "three.ten", "4.0"])
def test_a_target_that_is_not_python_3_is_refused(text: str) -> None:
    with pytest.raises(UsageError):
        target_version({"python": text})


def test_the_default_target_is_3_10() -> None:
    assert target_version({}) == (3, 10)
    assert target_version({"python": "3.12"}) == (3, 12)


GOLDEN = REPO / "fixtures" / "code" / "modern-python"


def _golden_afters() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("PY*/**/after.py"))


@pytest.mark.parametrize("after", _golden_afters(), ids=lambda p: str(p.parent.relative_to(GOLDEN)))
def test_a_second_run_changes_nothing(after: Path) -> None:
    spec_file = after.parent / "case.json"
    spec = json.loads(spec_file.read_text()) if spec_file.exists() else {}
    rule = after.parent.relative_to(GOLDEN).parts[0]
    ctx = FileContext(
        path="app/module.py",
        module="app.module",
        package="app",
        options=spec.get("options", {}),
        enabled=frozenset(spec.get("enabled", [rule])),
    )
    source = after.read_text(encoding="utf-8")
    assert builtin_recipe("modern-python").transform(source, ctx) == source
    assert not ctx.applied()


def test_a_file_that_does_not_parse_is_refused() -> None:
    ctx = FileContext(path="app/module.py", module="app.module", package="app")
    with pytest.raises(CodeParseError) as caught:
        builtin_recipe("modern-python").transform("def f(x: List[int]:\n    pass\n", ctx)
    assert caught.value.line == 2  # where LibCST finds the `)` missing


def test_every_rule_has_a_golden_fixture_and_a_line_in_the_docs() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for rule in builtin_recipe("modern-python").rules:
        assert list((GOLDEN / rule.id).glob("**/before.py")), rule.id
        assert f"| {rule.id} |" in doc, rule.id
