"""docs/kinds/env.md's worked example is a script: its files are written, its commands run in
order (a real shell, the real `git migrate`, real age keys, a real SQLite database), and each
command's documented output lines must appear in order in what it printed (`…` matches
anything). The reading and matching are docs/kinds/code.md's test's."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.config_surface_support import launcher
from tests.e2e.test_code_kind_docs import _BLOCK, Command, _commands, run_actions
from tests.fixtures_git import git, make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "env.md"
LINKED = ("env-drift.md", "env-subset.md", "env-masking.md", "config.md")


def worked_example() -> list[tuple[str, str] | Command]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    actions: list[tuple[str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("path"):
            actions.append((block.group("path"), block.group("body")))
        elif block.group("info") == "console":
            actions += _commands(block.group("body"))
    return actions


def test_the_page_links_the_other_env_pages() -> None:
    text = DOC.read_text(encoding="utf-8")
    for page in LINKED:
        assert f"]({page})" in text, page


def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "project")
    env = {**os.environ, **launcher(tmp_path / "bin"), "COLUMNS": "200"}
    for name in ("PROD_AGE_KEY", "STAGING_AGE_KEY", "SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE"):
        env.pop(name, None)
    actions = worked_example()
    assert sum(isinstance(a, Command) for a in actions) >= 15
    run_actions(actions, repo, env)
    history = git(repo, "log", "--all", "-p")
    assert "s3cr3t-prod-pw" not in history  # the value never reached git
    assert "+  DB_PASSWORD: ENC[AES256_GCM," in history  # staging's copy, encrypted
    assert not (repo / "config" / "staging.secrets.yaml").exists()  # rolled back at the end
