"""Planning and sharing: plan outputs, the pull-request review, push/fetch with notes, and
the pre-push check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:
    from gitmigrate.artifacts.generate import PlanResult
    from gitmigrate.core.sync import SyncResult
    from gitmigrate.hooks.prepush import HookReport
    from gitmigrate.review.facts import ReviewFacts
    from gitmigrate.review.policy import Problem


@dataclass(frozen=True)
class PlanReport:
    """The files `plan` wrote (and the stale ones it removed) and the model they render."""

    result: PlanResult

    def to_json(self) -> dict[str, Any]:
        result, model = self.result, self.result.model
        return {
            "migration": model.migration.name,
            "target": model.target,
            "dialect": model.dialect,
            "output": str(result.output_dir),
            "written": [str(p) for p in result.written],
            "removed": [str(p) for p in result.removed],
            "estimates": {
                f.step.id: {
                    "seconds": round(f.estimate.seconds, 3),
                    "source": f.estimate.source,
                    "basis": f.estimate.basis,
                }
                for f in model.steps
            },
        }


@dataclass(frozen=True)
class Review:
    """A migration branch as its reviewers need it; `blocking` is what the pre-push hook
    would refuse."""

    facts: ReviewFacts

    @property
    def blocking(self) -> list[Problem]:
        from gitmigrate.review.policy import blocking_problems

        return blocking_problems(self.facts)

    def markdown(self) -> str:
        from gitmigrate.review.markdown import render_markdown

        return render_markdown(self.facts)

    def to_json(self) -> dict[str, Any]:
        return {**self.facts.to_json(), "blocking": [p.to_json() for p in self.blocking]}


@dataclass(frozen=True)
class Synced:
    result: SyncResult

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {"remote": r.remote, "pushed": list(r.pushed), "merged": list(r.merged)}


@dataclass(frozen=True)
class PrePushReport:
    report: HookReport

    @property
    def blocked(self) -> bool:
        return self.report.blocked

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return {
            "remote": r.remote,
            "blocked": r.blocked,
            "checked": [
                {
                    "branch": c.branch,
                    "migration": c.migration,
                    "steps_checked": c.steps_checked,
                    "problems": [p.to_json() for p in c.problems],
                }  # fmt: skip
                for c in r.checked
            ],
            "notes": {
                "pushed": list(r.notes.pushed),
                "merged": list(r.notes.merged),
                "warning": r.notes.warning,
            },  # fmt: skip
        }


def plan(
    repo: RepoLike = None,
    name: str | None = None,
    *,
    output: Path | None = None,
    target: str | None = None,
    dialect: str | None = None,
) -> PlanReport:
    """Write the migration plan, rollback plan, validation report and runnable scripts
    (default directory: docs/plan-outputs/NAME)."""
    from gitmigrate.artifacts.gather import PlanOptions
    from gitmigrate.artifacts.generate import generate

    out = output.absolute() if output is not None else None
    options = PlanOptions(name=name, target=target, dialect=dialect)
    return PlanReport(generate(open_repo(repo), options, out))


def review(repo: RepoLike = None, range_spec: str | None = None) -> Review:
    """Review a migration: RANGE is a migration name, migrate/NAME or BASE..migrate/NAME
    (default: the checked-out migration branch against its base)."""
    from gitmigrate.review.facts import gather_review

    return Review(gather_review(open_repo(repo), range_spec))


def push(repo: RepoLike = None, remote: str | None = None, name: str | None = None) -> Synced:
    """Push migration branch(es) and notes together, merging the remote's notes first."""
    from gitmigrate.core import sync

    return Synced(sync.push(open_repo(repo), remote, name))


def fetch(repo: RepoLike = None, remote: str | None = None) -> Synced:
    """Fetch branches and notes, merging the remote's notes into the local ones."""
    from gitmigrate.core import sync

    return Synced(sync.fetch(open_repo(repo), remote))


def pre_push(
    repo: RepoLike, remote: str | None, stdin: str, env: Mapping[str, str]
) -> PrePushReport:
    """What the installed pre-push hook runs: check every pushed migration branch (git's
    pre-push lines in `stdin`) and push the notes along when nothing blocks."""
    from gitmigrate.hooks.prepush import run_pre_push

    return PrePushReport(run_pre_push(open_repo(repo), remote, stdin, env))
