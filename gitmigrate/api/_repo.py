"""Which repository an API call works on: a path, an open `GitRepo`, or None (the current
directory), so scripts pass a path and the CLI passes its `-C` option unchanged."""

from __future__ import annotations

import os
from typing import TypeAlias

from gitmigrate.core.gitstore import GitRepo

RepoLike: TypeAlias = "GitRepo | str | os.PathLike[str] | None"


def open_repo(repo: RepoLike) -> GitRepo:
    """The repository containing `repo` (a path or None = the current directory)."""
    if isinstance(repo, GitRepo):
        return repo
    return GitRepo(None if repo is None else os.fspath(repo))
