"""The one commit path refuses project files that are not project files: a kind may change
files of the repository in its step's commit, never outside it, in .git or under migrations/."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.authoring import commit_step, start_migration
from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError


@pytest.mark.parametrize(
    "path", ["../outside.txt", "/etc/passwd", ".git/config", "migrations/other/x.sql", "."]
)
def test_paths_outside_the_project_are_refused(git_repo: Path, path: str) -> None:
    repo = GitRepo(git_repo)
    start_migration(repo, "m")
    head = repo.head_commit()
    meta = {"kind": "textedit", "summary": "edit"}
    with pytest.raises(UsageError, match="is not a project file"):
        commit_step(repo, load_config(repo), "m", meta, {}, {}, None, "sqlite",
                    project_files={path: b"x"})  # fmt: skip
    assert repo.head_commit() == head


def test_a_project_file_is_committed_with_the_step(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    start_migration(repo, "m")
    meta = {"kind": "textedit", "summary": "edit"}
    step = commit_step(repo, load_config(repo), "m", meta, {}, {}, None, "sqlite",
                       project_files={"./conf/app.ini": b"a = 1\n"})  # fmt: skip
    assert repo.show_file(step.commit or "", "conf/app.ini") == b"a = 1\n"
    assert (git_repo / "conf" / "app.ini").read_bytes() == b"a = 1\n"
