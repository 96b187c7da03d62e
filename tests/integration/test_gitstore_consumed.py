"""A step may replace an untracked file it was computed from (a new secrets file encrypted in
place: committing its plaintext first would put the secrets in history), but only while the
file still holds the bytes that were read; any other untracked or modified file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import RepositoryStateError
from tests.fixtures_git import git


def _commit(repo: Path, consumed: dict[str, bytes]) -> str:
    return GitRepo(repo).commit_files(
        branch=git(repo, "branch", "--show-current").strip(),
        message="encrypt",
        files={"migrations/x/step.toml": b"kind = 'config'\n"},
        project_files={"secrets.yaml": b"password: ENC[...]\n"},
        consumed=consumed,
    )


def test_an_untracked_file_read_for_the_change_is_replaced(git_repo: Path) -> None:
    (git_repo / "secrets.yaml").write_bytes(b"password: hunter2\n")
    _commit(git_repo, {"secrets.yaml": b"password: hunter2\n"})
    assert (git_repo / "secrets.yaml").read_bytes() == b"password: ENC[...]\n"
    assert git(git_repo, "show", "HEAD:secrets.yaml") == "password: ENC[...]\n"
    assert "hunter2" not in git(git_repo, "log", "-p", "--all")


@pytest.mark.parametrize("read", [None, b"password: older\n"])
def test_an_untracked_file_not_read_or_changed_since_is_refused(
    git_repo: Path, read: bytes | None
) -> None:
    (git_repo / "secrets.yaml").write_bytes(b"password: hunter2\n")
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(RepositoryStateError, match="uncommitted changes"):
        _commit(git_repo, {} if read is None else {"secrets.yaml": read})
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert (git_repo / "secrets.yaml").read_bytes() == b"password: hunter2\n"
