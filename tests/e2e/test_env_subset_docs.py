"""docs/kinds/env-subset.md's worked example is a script: its files written, its commands run in
order in a real shell with the real `git migrate`, each command's documented lines found in
order in what it printed (`…` matches anything), `# exit N` checked (docs/kinds/code.md's
reader and matcher)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.config_surface_support import launcher
from tests.e2e.test_code_kind_docs import _BLOCK, Command, _commands, run_actions
from tests.fixtures_git import make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "env-subset.md"


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
    assert [a[0] for a in actions if isinstance(a, tuple)] == [
        "shop.sql",
        ".gitmigrate.toml",
        "mask.toml",
    ]
    assert sum(isinstance(a, Command) for a in actions) >= 8


def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "project")
    env = {**os.environ, **launcher(tmp_path / "bin"), "COLUMNS": "200"}
    env.pop("SHOP_MASK_KEY", None)
    run_actions(worked_example(), repo, env)
    assert (repo / "dev.db").is_file()
