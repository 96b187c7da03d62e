"""Read-only questions about migrations in git: list, log, show, diff. Nothing here opens a
database or imports SQLAlchemy, so `git migrate log` stays fast."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.model import Step
    from gitmigrate.core.queries import StepView


@dataclass(frozen=True)
class MigrationList:
    """Migrations on their branches and merged into HEAD, one dict each."""

    rows: tuple[dict[str, Any], ...]

    def to_json(self) -> list[dict[str, Any]]:
        return list(self.rows)


@dataclass
class StepLog:
    """The steps of a migration with their notes and run events. Loaded lazily: `json_text()`
    comes from a cache keyed by the git objects it derives from, without reading the steps."""

    repo: GitRepo = field(repr=False)
    name: str | None

    @cached_property
    def views(self) -> list[StepView]:
        from gitmigrate.core.queries import step_views

        return step_views(self.repo, self.name)

    def json_text(self) -> str:
        """`to_json()` already encoded (compact), cached across calls of `git migrate log`."""
        from gitmigrate.core.queries import step_views_json_text

        return step_views_json_text(self.repo, self.name)

    def to_json(self) -> list[dict[str, Any]]:
        return list(json.loads(self.json_text()))


@dataclass(frozen=True)
class StepDetail:
    """One step: its view (note, events) and its files."""

    view: StepView

    @property
    def step(self) -> Step:
        return self.view.step

    @property
    def events(self) -> tuple[dict[str, Any], ...]:
        return self.view.events

    def to_json(self) -> dict[str, Any]:
        files = self.view.step.files
        return {
            **self.view.to_json(),
            "files": {k: v.decode(errors="replace") for k, v in files.items()},
        }


@dataclass(frozen=True)
class StepDiff:
    """The git diff of step files between two steps."""

    text: str

    def to_json(self) -> list[dict[str, Any]]:
        from unidiff.patch import PatchSet

        return [
            {"path": f.path, "added": f.added, "removed": f.removed, "patch": str(f)}
            for f in PatchSet(self.text)
        ]


def list_migrations(repo: RepoLike = None) -> MigrationList:
    """Migrations on their branches and merged into HEAD."""
    from gitmigrate.core.queries import list_migrations as rows

    return MigrationList(tuple(rows(open_repo(repo))))


def log(repo: RepoLike = None, name: str | None = None) -> StepLog:
    """Steps of a migration (default: the current one; outside a branch: all in HEAD)."""
    return StepLog(open_repo(repo), name)


def show(repo: RepoLike, step: str) -> StepDetail:
    """One step: STEP = N (in the current migration), NAME/NNN or a commit."""
    from gitmigrate.core.queries import find_step, step_views

    opened = open_repo(repo)
    found = find_step(opened, step)
    return StepDetail(next(v for v in step_views(opened, found.migration) if v.step.id == found.id))


def diff(
    repo: RepoLike = None, from_step: str | None = None, to_step: str | None = None
) -> StepDiff:
    """The diff of step files between two steps (default: the last step's change)."""
    from gitmigrate.core.queries import step_diff

    return StepDiff(step_diff(open_repo(repo), from_step, to_step))
