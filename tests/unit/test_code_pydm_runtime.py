"""The method renames' output is valid Pydantic 2: PD101-PD104 run over a small project
(fixtures/code/pydantic2/PD1-runtime) and its `check()` then runs under the installed Pydantic 2
with deprecation warnings as errors, so a v1 name left behind (Pydantic 2 still answers to
most of them, with a warning) fails the test as much as a wrong rewrite does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.registry import builtin_recipe

pytest.importorskip("libcst")
pydantic = pytest.importorskip("pydantic")

PROJECT = Path(__file__).resolve().parents[2] / "fixtures/code/pydantic2/PD1-runtime"
RULES = frozenset({"PD101", "PD102", "PD103", "PD104"})


def _module(path: str) -> tuple[str, str]:
    dotted = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    return dotted, dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]


def _migrate(root: Path) -> dict[str, int]:
    """Runs the rules over every file of root, as the runner does (pre-pass, then transform);
    returns the rewrites per rule."""
    recipe = builtin_recipe("pydantic2")
    files = {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))}
    index = {path: recipe.collect(path, _module(path)[0], text) for path, text in files.items()}
    applied: dict[str, int] = {}
    for path, text in files.items():
        module, package = _module(path)
        ctx = FileContext(path, module, package, index=index, enabled=RULES)
        (root / path).write_text(recipe.transform(text, ctx))
        for rule, count in ctx.applied().items():
            applied[rule] = applied.get(rule, 0) + count
        assert not [f for f in ctx.findings if not f.fixable], "nothing here is left to a person"
    return applied


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-W",
            "error::DeprecationWarning",
            "-c",
            "import app.main as m; m.check()",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_fails_on_pydantic_2_before(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "app", tmp_path / "app")
    result = _check(tmp_path)
    assert result.returncode != 0
    assert "Deprecat" in result.stderr or "ValidationInfo" in result.stderr


def test_the_migrated_project_runs_on_pydantic_2(tmp_path: Path) -> None:
    assert pydantic.VERSION.startswith("2.")
    shutil.copytree(PROJECT / "app", tmp_path / "app")
    applied = _migrate(tmp_path)
    assert set(applied) == RULES
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr
    migrated = "".join(p.read_text() for p in sorted((tmp_path / "app").glob("*.py")))
    for old in (".dict(", ".json(", ".parse_obj(", "parse_obj_as(", "__fields__", "values"):
        assert old not in migrated
