"""The library calls behind `git migrate schema diff` (the CLI only parses and prints).

    schema_diff(repo, to=..., ...) -> DiffResult

loads the desired schema (`to`) and the source (`target`, `from_`, or by default the schema the
SQL steps in HEAD's tree produce, replayed into a scratch database), plans the difference and,
unless `print_only`, commits it as a step whose down.sql is the exact inverse of its up.sql.
Nothing is committed when the schemas already match or when anything fails: every script is
rendered and validated before the first commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitmigrate.core.authoring import SqlSource, resolve_dialect
from gitmigrate.core.config import ProjectConfig, is_initialised, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import write_step_notes
from gitmigrate.core.stepmeta import compute_step_note
from gitmigrate.engine.authoring import author_step
from gitmigrate.errors import ConfigError, UsageError
from gitmigrate.schema.diff import MigrationPlan, diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS, SchemaScope, check_scope
from gitmigrate.schema.safe_steps import (
    NOTHING_TO_UNDO,
    StepScript,
    plan_steps,
    script,
)
from gitmigrate.sql.dialects import dialect_of_url, normalize_dialect

if TYPE_CHECKING:
    from gitmigrate.schema.expand import ExpandContract
    from gitmigrate.schema.expand_commit import PlannedStep
    from gitmigrate.schema.impact import TableRows


@dataclass(frozen=True)
class DiffResult:
    up: list[str]
    down: list[str]
    rename_candidates: tuple[str, ...]
    step: Step | None  # the (first) step committed; None with print_only or an empty diff
    steps: tuple[Step, ...] = field(default=())  # all of them (online: one per CONCURRENTLY)
    dialect: str = "sqlite"
    # with print_only: the scripts as the steps would hold them (one label each when named),
    # which the API lints for display (gitmigrate/api/schema.py) as it lints committed steps
    scripts: tuple[StepScript, ...] = ()
    script_labels: tuple[str, ...] = ()
    # --online expand/contract: the planned sequence (SQL and data steps), in order
    sequence: tuple[PlannedStep, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.up


def schema_diff(
    repo: GitRepo,
    *,
    to: str,
    from_: str | None = None,
    target: str | None = None,
    dialect: str | None = None,
    renames: dict[str, str] | None = None,
    online: bool = False,
    print_only: bool = False,
    summary: str | None = None,
    scope: SchemaScope = ALL_SCHEMAS,
) -> DiffResult:
    from gitmigrate.schema.sources import load_schema, replayed_schema

    if from_ is not None and target is not None:
        raise UsageError("--from and --target both name the source", "pass only one of them")
    config = load_config(repo) if is_initialised(repo) else None
    target_url = config.target(target).resolve_url() if config and target else target
    chosen = _dialect(dialect, config, target_url, from_)
    check_scope(scope, chosen)
    server = _server_url(chosen, config, target_url, from_, to)
    desired = load_schema(to, repo=repo, dialect=chosen, server_url=server, scope=scope)
    if target_url is not None or from_ is not None:
        source = target_url if target_url is not None else from_
        assert source is not None
        current = load_schema(source, repo=repo, dialect=chosen, server_url=server, scope=scope)
    else:
        current = replayed_schema(repo, chosen, server, scope=scope)
    _same_dialect(current, desired)
    if online:
        from gitmigrate.schema.expand import plan_expand_contract

        moving = plan_expand_contract(current, desired, renames or {})
        if moving is not None:
            live = None if print_only else _live_url(repo, config, target_url, from_)
            return _expand_contract(repo, moving, chosen, print_only, live,
                                    summary or f"schema diff to {to}")  # fmt: skip
    plan = diff_schemas(current, desired, renames=renames or {}, online=online)
    up, down = plan.up_statements(chosen), plan.down_statements(chosen)
    if chosen == "postgresql" and not plan.is_empty:  # what the steps will hold (safe forms)
        parts = plan_steps(plan, chosen)
        up = [s for p in parts for s in p.up]
        down = [s for p in reversed(parts) for s in p.down]
    if plan.is_empty:
        return DiffResult(up, down, plan.rename_candidates, None, (), chosen)
    if print_only:
        planned = tuple(plan_steps(plan, chosen))
        return DiffResult(up, down, plan.rename_candidates, None, (), chosen, scripts=planned)
    live = _live_url(repo, config, target_url, from_)
    stats = None
    if live is not None:
        from gitmigrate.schema.impact import table_rows

        stats = table_rows(live, repo.root)
    steps = commit_plan(repo, plan, chosen, summary or f"schema diff to {to}", stats)
    return DiffResult(up, down, plan.rename_candidates, steps[0], tuple(steps), chosen)


def _expand_contract(
    repo: GitRepo,
    plan: ExpandContract,
    dialect: str,
    print_only: bool,
    live: str | None,
    summary: str,
) -> DiffResult:
    """A column rename or type change with --online: the expand/contract sequence."""
    from gitmigrate.schema.expand_commit import commit_expand_contract, expand_contract_steps

    planned = expand_contract_steps(plan, dialect)
    sql = [p for p in planned if p.kind == "sql"]
    up = [s for p in sql for s in p.up]
    down = [s for p in reversed(sql) for s in p.down]
    if print_only:
        parts = tuple(StepScript(list(p.up), list(p.down), p.transactional) for p in sql)
        labels = tuple(f"step {n}" for n, p in enumerate(planned, 1) if p.kind == "sql")
        return DiffResult(up, down, (), None, (), dialect, sequence=tuple(planned), scripts=parts,
                          script_labels=labels)  # fmt: skip
    steps, planned = commit_expand_contract(repo, plan, dialect, summary)
    if live is not None:
        from gitmigrate.schema.impact import table_rows

        sql_steps = [s for s, p in zip(steps, planned, strict=True) if p.kind == "sql"]
        record_rows(repo, sql_steps, dialect, table_rows(live, repo.root))
    return DiffResult(up, down, (), steps[0], tuple(steps), dialect, sequence=tuple(planned))


def _live_url(
    repo: GitRepo, config: ProjectConfig | None, target_url: str | None, from_: str | None
) -> str | None:
    """The live database the diff starts from, if any (for table statistics)."""
    if target_url is not None:
        return target_url
    if from_ is None:
        return None
    if "://" in from_:
        return from_
    if config is not None and from_ in config.targets:
        return config.target(from_).resolve_url()
    return None


def commit_plan(
    repo: GitRepo,
    plan: MigrationPlan,
    dialect: str,
    summary: str,
    table_rows: TableRows | None = None,
) -> list[Step]:
    """Commit the plan as one step (PostgreSQL: more, see `safe_steps.plan_steps`), validating
    every script before the first commit. With `table_rows` (the source is a live database)
    each step's note records the rows its statements touch."""
    from gitmigrate.sql.parse import validate_sql

    parts = plan_steps(plan, dialect)
    rendered = []
    for number, part in enumerate(parts, 1):
        up = script(part.up)
        down = script(part.down) if part.down else NOTHING_TO_UNDO
        origin = f"schema diff part {number}" if len(parts) > 1 else "schema diff"
        validate_sql(up, dialect, f"{origin} (up)")
        validate_sql(down, dialect, f"{origin} (down)")
        title = summary if len(parts) == 1 else f"{summary} ({number}/{len(parts)})"
        # TODO(engine): `transaction = false` steps run statement by statement in autocommit
        # (Stepper.run reads step.options["transaction"]); a failure midway cannot be rolled
        # back, so their down.sql must tolerate a partly applied up (DROP INDEX CONCURRENTLY
        # of an index CREATE INDEX CONCURRENTLY left INVALID works).
        options: dict[str, Any] = {} if part.transactional else {"transaction": False}
        rendered.append((title, up, down, origin, options or None))
    steps = [
        author_step(
            repo,
            "sql",
            title,
            {
                "up": SqlSource(up, f"{origin} (up)"),
                "down": SqlSource(down, f"{origin} (down)"),
                "options": options,
                "generated_by": "schema diff",  # rules it cannot avoid are allowed, with why
            },
            dialect=dialect,
        )
        for title, up, down, origin, options in rendered
    ]
    if table_rows is not None:
        record_rows(repo, steps, dialect, table_rows)
    return steps


def record_rows(repo: GitRepo, steps: list[Step], dialect: str, table_rows: TableRows) -> None:
    """Rewrite the steps' notes with the row counts (`author_step` wrote them without)."""

    write_step_notes(repo, {
        s.commit: compute_step_note(s, dialect, table_rows) for s in steps if s.commit
    })  # fmt: skip


def _dialect(
    dialect: str | None, config: ProjectConfig | None, target_url: str | None, from_: str | None
) -> str:
    if dialect:
        return normalize_dialect(dialect)
    for source in (target_url, from_):
        if source is not None and "://" in source:
            return dialect_of_url(source)
    if config is not None:
        return resolve_dialect(config, None)
    return "sqlite"


def _server_url(
    dialect: str,
    config: ProjectConfig | None,
    target_url: str | None,
    from_: str | None,
    to: str,
) -> str | None:
    """A server of `dialect` for scratch databases: a URL given on the command line, else the
    first configured target of that dialect (its account must be allowed CREATE DATABASE)."""
    if dialect == "sqlite":
        return None
    given = [u for u in (target_url, from_, to) if u is not None and "://" in u]
    found = next((u for u in given if dialect_of_url(u) == dialect), None)
    if found is not None or config is None:
        return found
    for name in sorted(config.targets, key=lambda n: n != config.default_target):
        template = config.targets[name].url_template
        if "://" in template and dialect_of_url(template) == dialect:
            try:
                return config.targets[name].resolve_url()
            except ConfigError:  # its password variable is not set here: try the next one
                continue
    return None


def _same_dialect(current: Schema, desired: Schema) -> None:
    if current.dialect != desired.dialect:
        raise UsageError(
            f"the source is a {current.dialect} schema and the desired one {desired.dialect}",
            "pass --dialect so both are loaded into the same kind of database",
        )


__all__ = ["NOTHING_TO_UNDO", "DiffResult", "StepScript", "commit_plan", "plan_steps", "schema_diff",
           "script"]  # fmt: skip
