"""docs/kinds/api.md's worked example is a script: its files are written, its commands run in
order (a real shell, the real `git migrate`), and each command's documented output lines must
appear in order in what it printed (`…` matches anything). A command ending in `# exit N` must
exit N; every other must exit 0. The reading and matching are docs/kinds/code.md's test's."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.e2e.config_surface_support import launcher
from tests.e2e.test_code_kind_docs import _BLOCK, Command, _commands, _matches
from tests.fixtures_git import make_repo
from tests.unit.test_api_kind_support import needs_checks

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "api.md"


def worked_example() -> list[tuple[str, str] | Command]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    actions: list[tuple[str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("path"):
            actions.append((block.group("path"), block.group("body")))
        elif block.group("info") == "console":
            actions += _commands(block.group("body"))
    return actions


def test_the_example_has_files_and_commands() -> None:
    actions = worked_example()
    assert sum(isinstance(a, Command) for a in actions) >= 10
    assert [a[0] for a in actions if isinstance(a, tuple)] == ["openapi.yaml", "openapi.yaml"]


@needs_checks
def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "project")
    env = {**os.environ, **launcher(tmp_path / "bin"), "COLUMNS": "200"}
    for action in worked_example():
        if isinstance(action, tuple):
            path, body = action
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(body, encoding="utf-8")
            continue
        proc = subprocess.run(
            ["bash", "-c", action.line], cwd=repo, env=env, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        output = proc.stdout + proc.stderr
        assert proc.returncode == action.exit_code, f"$ {action.line}\n{output}"
        assert _matches(action.expected, output), f"$ {action.line}\n{output}"
    spec = (repo / "openapi.yaml").read_text()
    assert "species" in spec and "deprecated: true" not in spec
    assert not (repo / "docs" / "api" / "v2-guide.md").exists()
    assert not (repo / "app" / "v1_adapter").exists()
