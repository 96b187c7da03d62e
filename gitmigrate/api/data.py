"""Data checks: validate a target's rows against a rules file, verify tables equal across
databases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import GitMigrateError

if TYPE_CHECKING:
    from gitmigrate.core.config import ProjectConfig
    from gitmigrate.data.validate import ValidationReport
    from gitmigrate.data.verify import TableVerification


@dataclass(frozen=True)
class DataVerification:
    source: str
    target: str
    tables: tuple[TableVerification, ...]

    @property
    def equal(self) -> bool:
        return all(t.equal for t in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "equal": self.equal,
                "tables": [t.to_json() for t in self.tables]}  # fmt: skip


def data_validate(
    repo: RepoLike = None,
    *,
    rules: Path,
    target: str | None = None,
    threshold: int | None = None,
    sample: int = 5,
) -> ValidationReport:
    """Check a target's data against a rules file (*.toml, *.yaml); `passed` says whether the
    violations stay within the threshold. A URL target needs no repository."""
    from gitmigrate.data.validate_target import validate_target

    return validate_target(_config(repo, target), target, rules, threshold=threshold,
                           sample=sample)  # fmt: skip


def _config(repo: RepoLike, target: str | None) -> ProjectConfig:
    from gitmigrate.core.config import DEFAULT_BRANCH_PREFIX, ProjectConfig, load_config

    try:
        return load_config(open_repo(repo))
    except GitMigrateError:
        if target is None or "://" not in target:
            raise
        return ProjectConfig(Path.cwd(), None, None, DEFAULT_BRANCH_PREFIX)


def data_verify(
    repo: RepoLike = None,
    *,
    source: str,
    target: str,
    tables: Sequence[str] = (),
    mapping: Sequence[str] = (),
    key: Sequence[str] = (),
    segment_rows: int = 10000,
    max_differences: int = 100,
) -> DataVerification:
    """Compare tables across two databases (target names or URLs) by per-segment checksums.
    `mapping`: 'SRC:DST' names; `key`: columns ('A,B' or one each) instead of the primary key.
    Target names are looked up in `repo`'s .gitmigrate.toml; URLs need no repository."""
    from gitmigrate.data.verify_run import parse_key, parse_tables, verify_tables

    repo_dir = repo.root if isinstance(repo, GitRepo) else None if repo is None else Path(repo)
    source_name, target_name, results = verify_tables(
        source, target, parse_tables(tables, mapping), repo_dir=repo_dir, key=parse_key(key),
        segment_rows=segment_rows, max_differences=max_differences,
    )  # fmt: skip
    return DataVerification(source_name, target_name, tuple(results))
