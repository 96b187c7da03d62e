"""docs/kinds/platform-scan.md's worked example runs: its files are written to a fresh git
repository, its commands run in a real shell with the installed `git migrate`, and each
command's documented lines must appear in order in what it printed (`…` matches anything)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.config_surface_support import launcher
from tests.e2e.test_code_kind_docs import _BLOCK, Command, _commands, run_actions
from tests.fixtures_git import make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "platform-scan.md"


def worked_example() -> list[tuple[str, str] | Command]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1]
    actions: list[tuple[str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("path"):
            actions.append((block.group("path"), block.group("body")))
        elif block.group("info") == "console":
            actions += _commands(block.group("body"))
    return actions


def test_the_example_has_files_and_commands() -> None:
    actions = worked_example()
    assert sum(isinstance(a, Command) for a in actions) == 5
    assert [a[0] for a in actions if isinstance(a, tuple)] == [
        "infra/main.tf", "app/files.py", "compose.yaml", "infra/queue.tf",
    ]  # fmt: skip


def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "project")
    env = {**os.environ, **launcher(tmp_path / "bin"), "COLUMNS": "200"}
    run_actions(worked_example(), repo, env)
