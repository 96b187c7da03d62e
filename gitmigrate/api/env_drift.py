"""Drift between two environments and syncing it: `env diff A B` and `env sync FROM TO`.

    from gitmigrate import api
    report = api.env_diff(repo, a="staging", b="prod")
    if report.drifted:
        print(report.to_json())
    api.env_sync(repo, source="prod", target="staging", dry_run=True).to_json()

`env_diff` reads only. `env_sync` changes TO (applies steps to its database, writes steps on the
current migration branch): it needs `yes=True` or a `confirm` callable that says yes; with
`dry_run=True` it changes nothing and returns what it would do. See docs/kinds/env-drift.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.progress import Progress, as_reporter
from gitmigrate.api.running import Confirm
from gitmigrate.errors import BlockedError, UsageError

if TYPE_CHECKING:
    from gitmigrate.api.schema import SchemaDiff
    from gitmigrate.core.config import Environment, ProjectConfig
    from gitmigrate.core.findings import LintFinding
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.model import Step
    from gitmigrate.core.reporter import Reporter
    from gitmigrate.envs.drift import TargetState
    from gitmigrate.envs.drift_model import EnvDiff, SchemaSection
    from gitmigrate.envs.sync import ConfigPlan, SyncPlan


def env_diff(repo: RepoLike = None, *, a: str, b: str, timeout: float = 5.0) -> EnvDiff:
    """The drift report of environment `b` against `a`: schema, applied steps, config keys,
    secret names and service versions (`timeout`: seconds per health URL)."""
    from gitmigrate.api.config_query import secret_predicate
    from gitmigrate.envs.drift import env_diff as diff

    git = open_repo(repo)
    return diff(git, a, b, timeout=timeout,
                secret_for=lambda x, y: secret_predicate(git, x, y))  # fmt: skip


@dataclass(frozen=True)
class EnvSync:
    """What a sync did (or, dry run, would do): the plan, the steps applied to TO, the steps
    written on the migration branch, and the schema DDL (written, or that would be)."""

    plan: SyncPlan
    dry_run: bool
    applied: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    ddl: str = ""
    notes: tuple[str, ...] = field(default=())
    recorded: tuple[str, ...] = ()  # drift steps recorded as applied on FROM, not run there

    @property
    def nothing_to_do(self) -> bool:
        return self.plan.empty

    def lines(self) -> list[str]:
        """What the sync does (dry run: would do), one line each, for people."""
        return describe(self.plan)

    def to_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "plan": self.plan.to_json(),
                "applied": list(self.applied), "written": list(self.written),
                "recorded_on_source": list(self.recorded),
                "ddl": self.ddl, "notes": [*self.plan.notes, *self.notes]}  # fmt: skip


def env_sync(
    repo: RepoLike = None,
    *,
    source: str,
    target: str,
    only: str | None = None,
    dry_run: bool = False,
    yes: bool = False,
    allow: Sequence[str] = (),
    confirm: Confirm | None = None,
    progress: Progress = None,
) -> EnvSync:
    """Make environment `target` like `source`: apply the steps `source` has and `target`
    lacks, then write (and apply) steps for the drift no step explains; `only`: one of
    schema, steps, config. `allow`: lint rules whose errors may pass (as `apply --allow`);
    a schema step whose lint errors are not allowed is refused before it is written."""
    from gitmigrate.core.config import load_config
    from gitmigrate.core.reporter import NullReporter
    from gitmigrate.envs.drift import environments

    git = open_repo(repo)
    config = load_config(git)
    env_from, env_to = environments(config, source, target)
    plan, states = _plan(git, config, env_from, env_to, only, dry_run)
    if plan.empty:
        return EnvSync(plan, dry_run)
    if dry_run and plan.steps:  # the DDL depends on what the steps leave: not known yet
        return EnvSync(plan, True)
    if dry_run:
        drift = _schema_drift(git, config, env_from, env_to) if plan.schema else None
        ddl, notes = _schema_preview(drift, allow)
        return EnvSync(plan, True, ddl=ddl, notes=tuple(notes))
    _require_branch(git, config, plan)
    _confirm(plan, yes, confirm)
    reporter = as_reporter(progress) or NullReporter()
    run = _Run(git, env_to, yes, frozenset(allow), confirm, reporter)
    applied = run.apply(plan.steps)
    written: list[str] = []
    recorded: list[str] = []
    ddl = ""
    if "schema" in plan.sections and states is not None:
        drift = _schema_drift(git, config, env_from, env_to) if plan.schema else None
        new, ddl = _write_schema_step(drift, env_to, allow)
        written += [step.id for step in new]
        applied += run.apply(tuple(step.id for step in new))
        recorded = _record_on_source(git, config, env_from, new, env_to.name)
    written += _config_steps(git, plan, source, target)
    return EnvSync(plan, False, tuple(applied), tuple(written), ddl, recorded=tuple(recorded))


def _plan(
    git: GitRepo,
    config: ProjectConfig,
    env_from: Environment,
    env_to: Environment,
    only: str | None,
    dry_run: bool,
) -> tuple[SyncPlan, tuple[TargetState, TargetState] | None]:
    """The sync plan from a fresh read of both environments."""
    from gitmigrate.envs import drift
    from gitmigrate.envs.sync import SyncPlan, plan_steps, sections

    chosen = sections(only)
    plan = SyncPlan(env_from.name, env_to.name, chosen)
    names = (env_from.name, env_to.name)
    states = None
    if "schema" in chosen or "steps" in chosen:
        what = "schema and applied steps"
        if drift.need_targets(env_from, env_to, what, required=only is not None):
            states = (drift.read_target(config, env_from), drift.read_target(config, env_to))
        else:
            plan = replace(plan, notes=(f"schema and steps: {drift.NO_TARGETS}",))
    if states is not None:
        from gitmigrate.engine.plan import steps_in_tree
        from gitmigrate.envs.drift_schema import compare_schemas
        from gitmigrate.envs.drift_steps import compare_ledgers

        tree = [step.id for step in steps_in_tree(git)]
        ledgers = compare_ledgers(states[0].rows, states[1].rows, set(tree))
        pending = plan_steps(ledgers, tree)
        if "steps" in chosen:
            plan = replace(
                plan,
                steps=pending,
                not_in_tree=tuple(s for s in ledgers.only_a if s in ledgers.not_in_tree),
                checksums=tuple(
                    f"{c.step}: applied on both from different files" for c in ledgers.checksums
                ),
            )
        if "schema" in chosen:
            section = compare_schemas(states[0].schema, states[1].schema, names)
            plan = _plan_schema(plan, section, pending, ledgers.only_b, only, dry_run)
    if "config" in chosen:
        plan = replace(plan, config=_plan_config(git, env_from, env_to))
    return plan, states


def _plan_schema(
    plan: SyncPlan,
    section: SchemaSection,
    pending: tuple[str, ...],
    ahead: tuple[str, ...],
    only: str | None,
    dry_run: bool,
) -> SyncPlan:
    """The schema part of the plan: the differences a new step would cover, or why none is
    written (two dialects; TO has steps FROM lacks, which a new step would silently undo)."""
    names = (plan.source, plan.target)
    if section.note:  # two dialects: no DDL can make one equal the other
        note = f"schema: not synced, {plan.source} is {section.dialects[0]} and "
        note += f"{plan.target} {section.dialects[1]} (a schema step is written per dialect)"
        return replace(plan, notes=(*plan.notes, note))
    lines = tuple(section.lines(names))
    if lines and ahead:
        why = (f"{plan.target!r} has step(s) {plan.source!r} has not ({', '.join(ahead)}): a "
               "schema step would undo them unrecorded")  # fmt: skip
        fix = (f"roll them back on {plan.target} (git migrate rollback --target ...), or "
               f"apply them to {plan.source} first (env sync {plan.target} {plan.source} "
               "--only steps)")  # fmt: skip
        if only == "schema":
            raise UsageError(why, fix)
        return replace(plan, notes=(*plan.notes, f"schema: not synced, {why}; {fix}"))
    if not lines or not pending:
        return replace(plan, schema=lines)
    if only is None:
        note = "schema: compared again once the steps are applied; only what remains"
        note += " becomes a sql step"
        notes = (*plan.notes, note) if dry_run else plan.notes
        return replace(plan, schema=lines, notes=notes)
    hint = f"run `git migrate env sync {plan.source} {plan.target} --only steps` first"
    if not dry_run:
        raise UsageError(
            f"{len(pending)} step(s) applied on {plan.source!r} are not applied on "
            f"{plan.target!r}: a schema step now would write their changes again",
            hint + " (or sync without --only)",
        )
    note = f"schema: {len(pending)} step(s) applied on {plan.source!r} are pending on "
    note += f"{plan.target!r}; {hint}"
    return replace(plan, schema=lines, notes=(*plan.notes, note))


def _plan_config(git: GitRepo, env_from: Environment, env_to: Environment) -> ConfigPlan:
    from gitmigrate.api.config_query import secret_predicate
    from gitmigrate.envs.drift_config import compare_configs, merged_config
    from gitmigrate.envs.sync import plan_config

    data_from = merged_config(git.root, env_from.config)
    data_to = merged_config(git.root, env_to.config)
    secret = secret_predicate(git, data_from, data_to)
    section = compare_configs(env_from, env_to, data_from, data_to, secret)
    return plan_config(section, env_from, env_to, git.root, data_from)


def _require_branch(git: GitRepo, config: ProjectConfig, plan: SyncPlan) -> None:
    """Writing steps needs a migration branch: refuse before anything changes."""
    if plan.config.actions or (plan.schema and not plan.steps):
        from gitmigrate.core.authoring import current_migration_name

        current_migration_name(git, config)


def _confirm(plan: SyncPlan, yes: bool, confirm: Confirm | None) -> None:
    if yes:
        return
    lines = describe(plan)
    question = f"env sync changes {plan.target!r}:\n  " + "\n  ".join(lines) + "\nGo on?"
    if confirm is None:
        raise BlockedError(
            f"env sync changes environment {plan.target!r} and needs confirmation",
            "run it in a terminal to be asked, or pass --yes (see it first with --dry-run)",
        )
    if not confirm(question):
        raise BlockedError("not synced: not confirmed", "nothing was changed")


def describe(plan: SyncPlan) -> list[str]:
    """The plan as lines for people (the confirmation question, the dry run)."""
    lines = [f"apply {step} to {plan.target}" for step in plan.steps]
    lines += [f"schema drift: {line}" for line in plan.schema]
    if plan.schema:
        lines.append(f"write a sql step that makes {plan.target}'s schema equal "
                     f"{plan.source}'s, apply it to {plan.target}, and record it as applied "
                     f"on {plan.source} (which already has that schema)")  # fmt: skip
    lines += [f"config step: {action.describe()}" for action in plan.config.actions]
    return lines


@dataclass(frozen=True)
class _Run:
    """How steps are applied to TO: through the engine, with the caller's answers."""

    git: GitRepo
    env: Environment
    yes: bool
    allow: frozenset[str]
    confirm: Confirm | None
    reporter: Reporter

    def apply(self, steps: tuple[str, ...]) -> list[str]:
        """Apply exactly `steps` to the environment's target."""
        if not steps:
            return []
        from gitmigrate.engine.apply import ApplyOptions
        from gitmigrate.engine.apply import apply as engine_apply

        options = ApplyOptions(target=self.env.target, only=frozenset(steps), yes=self.yes,
                               allow=self.allow)  # fmt: skip
        result = engine_apply(self.git, options, self.reporter, self.confirm)
        return [run.step.id for run in result.runs]


@dataclass(frozen=True)
class _SchemaDrift:
    """How `schema diff` from TO's live schema to FROM's runs, and what it previews."""

    git: GitRepo
    source_url: str
    target: str
    summary: str

    def preview(self) -> SchemaDiff:
        from gitmigrate.api.schema import schema_diff

        return schema_diff(self.git, to=self.source_url, target=self.target,
                           summary=self.summary, print_only=True)  # fmt: skip

    def write(self) -> SchemaDiff:
        from gitmigrate.api.schema import schema_diff

        return schema_diff(self.git, to=self.source_url, target=self.target, summary=self.summary)


def _schema_drift(
    git: GitRepo, config: ProjectConfig, env_from: Environment, env_to: Environment
) -> _SchemaDrift | None:
    if env_from.target is None or env_to.target is None:
        return None
    source_url = config.target(env_from.target).resolve_url()
    summary = f"env sync {env_from.name} -> {env_to.name}: schema drift"
    return _SchemaDrift(git, source_url, env_to.target, summary)


def _blocking(preview: SchemaDiff, allow: Sequence[str]) -> list[LintFinding]:
    """Lint errors of the step's up script that no `allow` accepts (the engine would refuse)."""
    return [f for f in preview.findings
            if f.blocking and f.file.startswith("<up") and f.rule not in allow]  # fmt: skip


def _schema_preview(drift: _SchemaDrift | None, allow: Sequence[str]) -> tuple[str, list[str]]:
    """Dry run: the DDL the schema step would hold, and notes on lint that would refuse it."""
    if drift is None:
        return "", []
    preview = drift.preview()
    if preview.is_empty:
        return "", []
    notes = [f"lint would refuse the schema step: {f.rule} (--allow {f.rule})"
             for f in _blocking(preview, allow)]  # fmt: skip
    return preview.up_script(), notes


def _write_schema_step(
    drift: _SchemaDrift | None, env_to: Environment, allow: Sequence[str]
) -> tuple[list[Step], str]:
    """The sql step that makes TO's schema equal FROM's (`schema diff` against the live
    databases, read now: after the steps were applied); (its steps, their DDL). Lint errors
    not in `allow` refuse it before it is written."""
    if drift is None:
        return [], ""
    preview = drift.preview()
    if preview.is_empty:
        return [], ""
    blocking = _blocking(preview, allow)
    if blocking:
        rules = sorted({f.rule for f in blocking})
        raise BlockedError(
            f"the schema step env sync would write for {env_to.name!r} has lint errors: "
            + "; ".join(f"{f.rule}: {f.message}" for f in blocking)
            + "; nothing was written",
            "accept them with "
            + " ".join(f"--allow {r}" for r in rules)
            + ", or write the step yourself with `git migrate schema diff`",
        )
    found = drift.write()
    return list(found.result.steps), found.up_script()


def _record_on_source(
    git: GitRepo, config: ProjectConfig, env_from: Environment, steps: list[Step], to: str
) -> list[str]:
    """The drift step describes FROM's schema: record it applied there, without running it."""
    if not steps or env_from.target is None:
        return []
    from gitmigrate.envs.sync_record import record_applied

    reason = f"{env_from.name} already had this schema: written by env sync {env_from.name} -> {to}"
    return record_applied(git, config, env_from.target, steps, reason)


def _config_steps(git: GitRepo, plan: SyncPlan, source: str, target: str) -> list[str]:
    from gitmigrate.api.config import config_set, config_unset

    written = []
    for action in plan.config.actions:
        summary = f"env sync {source} -> {target}: {action.op} {action.key}"
        if action.op == "set":
            step = config_set(git, action.file, action.key, action.value, summary=summary,
                              env=target)  # fmt: skip
        else:
            step = config_unset(git, action.file, action.key, summary=summary, env=target)
        if step.step is not None:
            written.append(step.step.id)
    return written
