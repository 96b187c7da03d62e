"""`git migrate platform split [PACKAGE]`: where a Python monolith could split into services —
its module graph, clusters suggested as boundaries, the calls that would cross them (see
gitmigrate/platform/split.py). A report: nothing is written.

    report = api.platform_split("path/to/project", "src/shop")
    [c.modules for c in report.clusters]; report.boundaries; report.to_json()
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from gitmigrate.api._repo import RepoLike
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import NotARepositoryError, UsageError

if TYPE_CHECKING:
    from gitmigrate.platform.split_model import SplitReport


def platform_split(
    repo_or_path: RepoLike = None,
    package: str | None = None,
    *,
    clusters: int | None = None,
    jobs: int | None = None,
) -> SplitReport:
    """The split report of `package` (a directory, absolute or relative to the root, or a dotted
    name; default: the one package at the root or under src/). The root is `repo_or_path` as
    given (a directory, git repository or not), a GitRepo's work tree, or for None the current
    repository's top (the current directory outside git). `clusters` asks for exactly N; `jobs` worker
    processes parse a large package (default: one per core; the report does not depend on it)."""
    from gitmigrate.platform.split import split_package

    return split_package(_root(repo_or_path), package, clusters=clusters, jobs=jobs)


def _root(repo_or_path: RepoLike) -> Path:
    if isinstance(repo_or_path, GitRepo):
        return Path(repo_or_path.root)
    if repo_or_path is None:
        try:
            return Path(GitRepo(None).root)
        except NotARepositoryError:
            return Path.cwd()
    root = Path(os.fspath(repo_or_path))
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory", "give the project's directory")
    return root
