"""The public API's shape: cheap to import, the CLI reaches the library only through it,
one error boundary, and progress callables see every Reporter call."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.core.model import Step

PACKAGE = Path(api.__file__).resolve().parents[1]
CLI = PACKAGE / "cli"
ALLOWED = ("gitmigrate.api", "gitmigrate.errors", "gitmigrate.cli")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every gitmigrate import of a module, function-local and TYPE_CHECKING ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "gitmigrate" else [
                f"gitmigrate.{alias.name}" for alias in node.names
            ]  # fmt: skip
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("gitmigrate")]


def test_importing_the_api_loads_no_heavy_dependency() -> None:
    code = "import sys, gitmigrate.api; print(sorted(m for m in ('sqlalchemy', 'git', 'rich', 'sqlglot') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_cli_imports_only_the_api_and_the_errors() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} imports {name}"
        for path in sorted(CLI.rglob("*.py"))
        for line, name in imported_modules(path)
        if not name.startswith(ALLOWED) and name != "gitmigrate.__version__"
    ]
    assert wrong == []


def test_no_command_exits_the_process() -> None:
    """Exit codes go through ctx.exit or an exception to the one boundary, cli/main.py."""
    calls = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in sorted(CLI.rglob("*.py"))
        if path.name != "main.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "exit"
        and isinstance(node.value, ast.Name) and node.value.id == "sys"
    ]  # fmt: skip
    assert calls == []


def test_a_progress_callable_sees_every_reporter_call() -> None:
    events: list[api.ProgressEvent] = []
    reporter = api.progress.as_reporter(events.append)
    assert reporter is not None
    step = Step(migration="m", seq=1, slug="s", kind="sql", summary="s", files={})
    reporter.step_started(step, 1, 2, "apply")
    reporter.statement(step, "SELECT 1")
    reporter.progress(step, 5, 10)
    reporter.step_finished(step, "applied", 0.5)
    reporter.note("careful")
    assert [(e.event, e.step) for e in events] == [
        ("started", "m/001"), ("statement", "m/001"), ("progress", "m/001"),
        ("finished", "m/001"), ("note", None),
    ]  # fmt: skip
    assert events[0].to_json() == {
        "event": "started", "step": "m/001", "summary": "s", "index": 1, "total": 2,
        "action": "apply",
    }  # fmt: skip
    assert (events[2].position, events[2].total) == (5, 10)
    assert events[4].text == "careful"


def test_a_reporter_is_used_as_is_and_none_stays_none() -> None:
    reporter = api.NullReporter()
    assert api.progress.as_reporter(reporter) is reporter
    assert api.progress.as_reporter(None) is None


def test_value_types_load_lazily() -> None:
    assert api.TargetStatus.__name__ == "TargetStatus"
    with pytest.raises(AttributeError):
        api.no_such_thing  # noqa: B018


def test_no_api_module_is_named_like_a_name_it_exports() -> None:
    """Importing gitmigrate.api.X sets the package attribute X to the module, so a module named
    like an exported function would shadow that function for every later `api.X(...)` call."""
    modules = {p.stem for p in (PACKAGE / "api").glob("*.py")}
    assert sorted(modules & set(api.__all__)) == []
