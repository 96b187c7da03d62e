"""Schemas: inspect a target, diff two schemas into a step, lint SQL, detect drift."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.errors import GitMigrateError, UsageError

if TYPE_CHECKING:
    from gitmigrate.core.findings import LintFinding
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.lint.project import LintReport
    from gitmigrate.schema.api import DiffResult, StepScript
    from gitmigrate.schema.live import DriftReport, Inspected
    from gitmigrate.schema.reflect_schemas import SchemaScope


@dataclass(frozen=True)
class InspectedSchema:
    inspected: Inspected

    @property
    def target(self) -> str:
        return self.inspected.target

    @property
    def dialect(self) -> str:
        return self.inspected.schema.dialect

    def sql(self) -> str:
        """CREATE statements in the target's dialect."""
        from gitmigrate.schema.describe import schema_sql

        return schema_sql(self.inspected.schema)

    def to_json(self) -> dict[str, Any]:
        from gitmigrate.schema.describe import schema_json

        return {"target": self.target, "schema": schema_json(self.inspected.schema)}


@dataclass(frozen=True)
class SchemaDiff:
    """The DDL from one schema to another and the step(s) committed for it (none with
    `print_only`); `sequence` is the planned expand/contract steps of an online diff.
    `findings`: lint findings of the steps, or of the scripts they would hold (`print_only`)."""

    result: DiffResult
    findings: tuple[LintFinding, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.result.is_empty

    def up_script(self) -> str:
        from gitmigrate.schema.api import script

        return script(self.result.up)

    def down_script(self) -> str:
        from gitmigrate.schema.api import script

        return script(self.result.down)

    def sequence_blocks(self) -> list[str]:
        """Each planned step of an online diff as text: a header line, then its SQL (or, for a
        step that runs no SQL, a description of its options)."""
        from gitmigrate.schema.expand_commit import printed

        result = self.result
        total = len(result.sequence)
        return [
            f"-- step {number}/{total}: {step.summary} ({step.kind}, {result.dialect})\n"
            + printed(step)
            for number, step in enumerate(result.sequence, 1)
        ]

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "dialect": r.dialect,
            "up": r.up,
            "down": r.down,
            "rename_candidates": list(r.rename_candidates),
            "steps": [{"step": s.id, "summary": s.summary, "commit": s.commit} for s in r.steps],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class LintResult:
    report: LintReport

    @property
    def dialect(self) -> str:
        return self.report.dialect

    @property
    def findings(self) -> list[LintFinding]:
        return self.report.findings

    @property
    def blocking(self) -> int:
        """Error findings not allowed: any of them blocks apply (exit 3 on the CLI)."""
        return sum(f.blocking for f in self.report.findings)

    def to_json(self) -> dict[str, Any]:
        findings = self.report.findings
        return {
            "dialect": self.report.dialect,
            "files": [name for name, _found in self.report.files],
            "findings": [f.to_json() for f in findings],
            "blocking": self.blocking,
        }


def schema_inspect(
    repo: RepoLike = None,
    *,
    target: str | None = None,
    schema: str | None = None,
    exclude_schemas: Sequence[str] = (),
) -> InspectedSchema:
    """The live schema of a target, normalized; on PostgreSQL every user schema, or only
    `schema`, less `exclude_schemas`."""
    from gitmigrate.schema.live import inspect_target

    return InspectedSchema(inspect_target(open_repo(repo), target, _scope(schema, exclude_schemas)))


def schema_drift(
    repo: RepoLike = None,
    *,
    target: str | None = None,
    schema: str | None = None,
    exclude_schemas: Sequence[str] = (),
) -> DriftReport:
    """Differences between a target's live schema and what its applied steps produce (the
    PostgreSQL schemas as `schema_inspect` selects them)."""
    from gitmigrate.schema.live import schema_drift as drift

    return drift(open_repo(repo), target, _scope(schema, exclude_schemas))


def _scope(schema: str | None, exclude: Sequence[str]) -> SchemaScope:
    from gitmigrate.schema.reflect_schemas import SchemaScope

    return SchemaScope(only=schema, exclude=tuple(exclude))


def schema_diff(
    repo: RepoLike,
    *,
    to: str,
    from_: str | None = None,
    target: str | None = None,
    dialect: str | None = None,
    renames: Mapping[str, str] | None = None,
    online: bool = False,
    print_only: bool = False,
    summary: str | None = None,
    schema: str | None = None,
    exclude_schemas: Sequence[str] = (),
) -> SchemaDiff:
    """Diff the current schema (`target`'s live one, or `from_`) to `to` and commit the DDL
    as a step whose down is its exact inverse (`print_only`: commit nothing). On PostgreSQL
    both sides cover every user schema, or only `schema`, less `exclude_schemas`."""
    from gitmigrate.lint.engine import lint_step
    from gitmigrate.schema.api import schema_diff as diff

    result = diff(open_repo(repo), to=to, from_=from_, target=target, dialect=dialect,
                  renames=dict(renames or {}), online=online, print_only=print_only,
                  summary=summary, scope=_scope(schema, exclude_schemas))  # fmt: skip
    if result.steps:
        found = tuple(f for step in result.steps for f in lint_step(step, result.dialect))
    else:
        labels = list(result.script_labels) or None
        found = lint_parts(list(result.scripts), result.dialect, labels)
    return SchemaDiff(result, found)


def lint_parts(
    parts: list[StepScript], dialect: str, labels: list[str] | None = None
) -> tuple[LintFinding, ...]:
    """Lint the scripts of planned steps as the engine would run them (--print: no step yet).
    Files are named `<up>`/`<down>`, or `<up LABEL>` with one label per part."""
    from gitmigrate.lint.engine import DOWN_EXEMPT, TRANSACTIONAL_DDL, lint_sql
    from gitmigrate.lint.model import LintOptions
    from gitmigrate.schema.api import script

    found: list[LintFinding] = []
    for number, part in enumerate(parts, 1):
        wrapped = part.transactional and dialect in TRANSACTIONAL_DDL
        options = LintOptions(assume_in_transaction=wrapped)
        name = f" {labels[number - 1]}" if labels else "" if len(parts) == 1 else f" part {number}"
        found += lint_sql(script(part.up), dialect, options=options, file=f"<up{name}>")
        if part.down:
            down = LintOptions(assume_in_transaction=wrapped, exclude=DOWN_EXEMPT)
            found += lint_sql(script(part.down), dialect, options=down, file=f"<down{name}>")
    return tuple(found)


def schema_lint(
    repo: RepoLike = None,
    *,
    steps: Sequence[str] = (),
    files: Sequence[Path] = (),
    dialect: str | None = None,
    allow: Sequence[str] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    pg_version: int = 15,
    transaction: bool = True,
    target: str | None = None,
) -> LintResult:
    """Lint SQL steps (default: the current migration's), or loose `files`, for locking and
    breaking changes. Files may be linted outside a repository (without its dialect). With a
    `target` (name or URL), tables its statistics count no row in are judged as empty."""
    from gitmigrate.lint.model import LintOptions
    from gitmigrate.lint.project import file_dialect, lint_files, lint_steps

    empty = _empty_tables(repo, target) if target else frozenset()
    options = LintOptions(pg_version, transaction, frozenset(include), frozenset(exclude),
                          frozenset(allow), empty)  # fmt: skip
    if files:
        return LintResult(
            lint_files(tuple(files), file_dialect(_repo_or_none(repo), dialect), options)
        )
    return LintResult(lint_steps(open_repo(repo), tuple(steps), dialect, options))


def _repo_or_none(repo: RepoLike) -> GitRepo | None:
    from gitmigrate.core.config import config_path

    try:
        opened = open_repo(repo)
    except GitMigrateError:
        return None
    return opened if config_path(opened).is_file() else None


def _empty_tables(repo: RepoLike, target: str) -> frozenset[str]:
    """Tables of `target` (a configured name or a URL) whose statistics count no row."""
    from gitmigrate.core.config import load_config
    from gitmigrate.schema.impact import table_rows

    opened = _repo_or_none(repo)
    if "://" in target:
        url = target
    else:
        if opened is None:
            raise UsageError(
                f"unknown target {target!r}", "pass a database URL, or run it in a project"
            )
        url = load_config(opened).target(target).resolve_url()
    counts = table_rows(url, opened.root if opened else None).counts
    return frozenset(name for name, rows in counts.items() if rows == 0)
