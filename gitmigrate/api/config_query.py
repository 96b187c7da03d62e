"""The read-only config commands (history, diff, explain, validate) and the secrets commands'
non-committing half (decrypt): plain functions for scripts, called by `cli/commands/
config_query.py` and `config_secrets.py`. Secret values are hidden in every result here
(`gitmigrate.review.secrets` says which keys are secret; `ENC[...]` values always are)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError

if TYPE_CHECKING:
    from gitmigrate.kinds.config.history import HistoryEntry


@dataclass(frozen=True)
class ConfigHistory:
    key: str
    file: str | None
    entries: tuple[HistoryEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "file": self.file,
                "entries": [e.to_json() for e in self.entries]}  # fmt: skip


def config_history(
    repo: RepoLike = None, *, key: str, file: str | os.PathLike[str] | None = None,
    rev: str = "HEAD",
) -> ConfigHistory:  # fmt: skip
    """Each value `key` had (in `file`, or in every config file holding it at `rev`), oldest
    first, with the commit and step that set it; secret and encrypted values hidden."""
    from gitmigrate.files.keypath import parse_key
    from gitmigrate.kinds.config.history import key_history
    from gitmigrate.review.secrets import is_secret_path

    git = open_repo(repo)
    path = None if file is None else repo_path(git, file, must_exist=False)
    entries = key_history(git, parse_key(key), path, rev=rev, secret=is_secret_path)
    return ConfigHistory(key, path, tuple(entries))


def repo_path(repo: GitRepo, file: str | os.PathLike[str], *, must_exist: bool = True) -> str:
    """`file` as a path relative to the repository root. A relative path is read from the
    current directory when it is inside the repository there, else from the root; a path
    outside the repository is a UsageError."""
    root = repo.root.resolve()
    given = Path(file)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, root / given]
    for candidate in candidates:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            continue
        if must_exist and not resolved.is_file():
            continue
        return resolved.relative_to(root).as_posix()
    if must_exist and any(c.resolve().is_relative_to(root) for c in candidates):
        raise UsageError(f"{file} does not exist", "give the path of a config file")
    raise UsageError(
        f"{file} is outside the repository {root}",
        "config commands work on files inside the repository (copy the file in, or use -C)",
    )
