"""Authoring: init a repository, start a migration, add steps. Each function wraps the one
library call the CLI command used to make, and returns a value with `to_json()`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.core.authoring import SqlSource
from gitmigrate.data.options import DEFAULT_BATCH
from gitmigrate.errors import UsageError

if TYPE_CHECKING:
    from gitmigrate.core.findings import LintFinding
    from gitmigrate.core.model import Migration, Step


@dataclass(frozen=True)
class Initialised:
    changes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"changes": list(self.changes)}


@dataclass(frozen=True)
class Started:
    migration: Migration

    def to_json(self) -> dict[str, Any]:
        m = self.migration
        return {"name": m.name, "base": m.base, "description": m.description}


@dataclass(frozen=True)
class StepAdded:
    """The committed step, plus lint findings worth fixing now (they are also in its note)."""

    step: Step
    findings: tuple[LintFinding, ...] = ()

    def to_json(self) -> dict[str, Any]:
        s = self.step
        return {
            "step": s.id,
            "kind": s.kind,
            "summary": s.summary,
            "commit": s.commit,
            "irreversible": s.irreversible,
            "findings": [f.to_json() for f in self.findings],
        }


def init(repo: RepoLike = None, *, hooks: bool = False) -> Initialised:
    """Prepare a repository: .gitmigrate.toml, notes refspecs, ignore rules (idempotent)."""
    from gitmigrate.core.initialise import init_project
    from gitmigrate.hooks.install import install_pre_push_report

    opened = open_repo(repo)
    changes = init_project(opened).changes
    if hooks:
        changes += install_pre_push_report(opened)
    return Initialised(tuple(changes))


def start(repo: RepoLike, name: str, *, from_ref: str = "HEAD", description: str = "") -> Started:
    """Create and check out the migration branch NAME with its start commit."""
    from gitmigrate.core.authoring import start_migration

    return Started(
        start_migration(open_repo(repo), name, from_ref=from_ref, description=description)
    )


def _source(value: str | SqlSource | None, what: str) -> SqlSource | None:
    if value is None or isinstance(value, SqlSource):
        return value
    return SqlSource(value, f"<{what}>")


def add_sql(
    repo: RepoLike,
    *,
    summary: str,
    up: str | SqlSource,
    down: str | SqlSource | None = None,
    verify: str | SqlSource | None = None,
    irreversible: str | None = None,
    dialect: str | None = None,
) -> StepAdded:
    """Commit a SQL step (up, down or `irreversible`, optional verify) on the current
    migration branch, and lint it."""
    from gitmigrate.core.authoring import resolve_dialect
    from gitmigrate.core.config import load_config
    from gitmigrate.kinds.sql.authoring import add_sql_step
    from gitmigrate.lint.engine import lint_step

    opened = open_repo(repo)
    up_source = _source(up, "up")
    assert up_source is not None
    step = add_sql_step(
        opened,
        summary=summary,
        up=up_source,
        down=_source(down, "down"),
        verify=_source(verify, "verify"),
        irreversible=irreversible,
        dialect=dialect,
    )
    findings = lint_step(step, resolve_dialect(load_config(opened), dialect))
    return StepAdded(step, tuple(findings))


def add_step(
    repo: RepoLike,
    kind: str,
    *,
    summary: str,
    options: Mapping[str, Any],
    irreversible: str | None = None,
    dialect: str | None = None,
) -> StepAdded:
    """Commit a step of any installed kind (a plug-in's too): the kind authors its files from
    `options` (`Kind.author`), every check done before anything is committed."""
    from gitmigrate.engine.authoring import author_step

    step = author_step(
        open_repo(repo), kind, summary, options, dialect=dialect, irreversible=irreversible
    )
    return StepAdded(step, ())


def kinds() -> list[str]:
    """The names of the installed kinds: the built-in ones and those of plug-ins."""
    from gitmigrate.engine.registry import available

    return sorted(available())


def add_data(
    repo: RepoLike,
    *,
    summary: str,
    table: str,
    set: Sequence[str] = (),  # noqa: A002 - the option's name on the command line
    transform: str | None = None,
    columns: Sequence[str] = (),
    where: str | None = None,
    key: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH,
    backup: bool = True,
    max_rows_per_second: float = 0.0,
    sleep_between_batches: float = 0.0,
    pre_checks: Path | None = None,
    post_checks: Path | None = None,
    target: str | None = None,
    dialect: str | None = None,
) -> StepAdded:
    """Commit a data step: a backfill (`set`: 'COL = EXPR' strings) or a Python `transform`
    ('FILE.py:FUNCTION'), applied in keyset chunks with before-images for rollback."""
    from gitmigrate.data.authoring import add_data_step
    from gitmigrate.data.options import DataOptions, split_assignment

    if bool(set) == bool(transform):
        raise UsageError(
            "say how rows change",
            "pass --set 'COL = EXPR' (repeatable) or --transform FILE.py:FUNCTION",
        )
    if columns and not transform:
        raise UsageError("--columns goes with --transform", "drop --columns, or use --transform")
    options = DataOptions(
        mode="set" if set else "transform",
        table=table,
        key=tuple(key),
        assignments=tuple(split_assignment(a) for a in set),
        where=where,
        batch_size=batch_size,
        backup=backup,
        max_rows_per_second=max_rows_per_second,
        sleep_between_batches=sleep_between_batches,
        transform=transform,
        columns=tuple(columns),
    )
    checks = {k: v for k, v in (("pre_checks", pre_checks), ("post_checks", post_checks)) if v}
    step = add_data_step(
        open_repo(repo),
        summary=summary,
        options=options,
        dialect=dialect,
        target=target,
        check_files=checks,
    )
    return StepAdded(step)


def copy_data(
    repo: RepoLike,
    *,
    source: str,
    tables: Sequence[str] = (),
    all_tables: bool = False,
    mapping: Mapping[str, str] | None = None,
    keys: Mapping[str, Sequence[str]] | None = None,
    where: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    cleanup_source: bool = False,
    summary: str | None = None,
) -> StepAdded:
    """Commit a copy step: `tables` (or `all_tables`) of `source` (a target name or URL),
    in foreign-key order, renamed by `mapping`, chunked by `keys` where there is no primary key."""
    from gitmigrate.data.authoring import add_data_step
    from gitmigrate.data.options import DataOptions

    options = DataOptions(
        mode="copy",
        source=source,
        tables=tuple(tables),
        all_tables=all_tables,
        mapping=dict(mapping) if mapping else None,
        keys={t: tuple(c) for t, c in keys.items()} if keys else None,
        where=where,
        batch_size=batch_size,
        cleanup_source=cleanup_source,
    )
    what = ", ".join(tables) if tables else "all tables"
    origin = source.split("://")[0] if "://" in source else source
    step = add_data_step(
        open_repo(repo), summary=summary or f"copy {what} from {origin}", options=options
    )
    return StepAdded(step)
