"""docs/kinds/env-drift.md's worked example is a script: its files are written, its commands run
in order (a real shell, the real `git migrate`, the real `sqlite3`), and each command's
documented output lines must appear in order in what it printed (`…` matches anything). A
command ending in `# exit N` must exit N; every other must exit 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_code_kind_docs import _BLOCK, Command, _commands, _matches
from tests.fixtures_git import make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "env-drift.md"


def worked_example() -> list[tuple[str, str] | Command]:
    """(path, text) for each file to write, a Command for each console line, in order."""
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    actions: list[tuple[str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("path"):
            actions.append((block.group("path"), block.group("body")))
        elif block.group("info") == "console":
            actions += _commands(block.group("body"))
    return actions


def test_the_example_covers_diff_sync_and_bad_input() -> None:
    commands = [a.line for a in worked_example() if isinstance(a, Command)]
    assert any(c.startswith("git migrate env diff staging prod") for c in commands)
    assert any("env sync staging prod --dry-run" in c for c in commands)
    assert any(a.exit_code == 3 for a in worked_example() if isinstance(a, Command))


def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    assert shutil.which("sqlite3"), "the example changes prod by hand with the sqlite3 shell"
    repo = make_repo(tmp_path / "project")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
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
        assert "cGFzcw==" not in output  # the encrypted secret is never printed
