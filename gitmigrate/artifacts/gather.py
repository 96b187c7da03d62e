"""Gathering the PlanModel: one read of the branch, the notes and (optionally) the target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gitmigrate.artifacts.live import LiveFacts, read_live
from gitmigrate.artifacts.model import LiveChecks, PlanModel, RunEvent, StepFacts
from gitmigrate.core.authoring import resolve_dialect
from gitmigrate.core.catalog import load_migration, load_migrations
from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_run_events
from gitmigrate.core.queries import default_migration, migration_ref
from gitmigrate.core.stepmeta import step_notes_for
from gitmigrate.engine.description import Description
from gitmigrate.engine.estimate import EstimateModel, Work, calibrate, step_work
from gitmigrate.engine.runlog import current_user
from gitmigrate.engine.target import open_database_target
from gitmigrate.errors import GitMigrateError, UsageError
from gitmigrate.review.describe import describe_step
from gitmigrate.sql.dialects import normalize_dialect


@dataclass(frozen=True)
class PlanOptions:
    name: str | None = None
    target: str | None = None  # name or URL; never shown unredacted
    dialect: str | None = None  # without a target: the dialect the scripts are written for
    live_checks: bool = True  # with a target: run verify and the schema drift check


def gather(repo: GitRepo, options: PlanOptions, now: datetime | None = None) -> PlanModel:
    config = load_config(repo)
    name = default_migration(repo, config, options.name)
    if name is None:
        raise UsageError(
            "no migration given and the current branch is not a migration branch",
            f"pass NAME, or `git switch {config.branch_prefix}NAME`",
        )
    ref = migration_ref(repo, config, name)
    migration = load_migration(repo, name, ref)
    steps = list(migration.steps)
    target = open_database_target(config, options.target) if options.target else None
    dialect = target.dialect if target else resolve_dialect(config, options.dialect)
    if target and options.dialect and normalize_dialect(options.dialect) != dialect:
        raise UsageError(
            f"--dialect {options.dialect} contradicts the target {target.name} ({dialect})",
            "drop --dialect: with --target the scripts are written for the target's dialect",
        )
    notes = step_notes_for(repo, steps, dialect)
    described = {s.id: describe_step(s, dialect, notes[s.id]) for s in steps}
    live = LiveFacts()
    if target is not None:
        try:
            objects = [o for d in described.values() for st in d.forward for o in st.objects]
            probes = {i: d.probe for i, d in described.items() if d.probe is not None}
            live = read_live(target, objects, probes)
        finally:
            target.engine.dispose()
        described = {
            s.id: describe_step(s, dialect, {**notes[s.id], "live": live.probed[s.id]})
            if s.id in live.probed
            else described[s.id]
            for s in steps
        }
    events = read_run_events(repo)
    model = calibrate(repo, _works(repo, steps, dialect, live), events)
    target_name = target.name if target else None
    facts = tuple(
        _facts(s, notes[s.id], described[s.id], dialect, model, live, target_name) for s in steps
    )
    return PlanModel(
        migration=migration,
        branch=ref,
        tip=repo.rev_parse(ref) or "",
        dialect=dialect,
        target=target_name,
        steps=facts,
        events=_scope_events(events, {s.id for s in steps}),
        live=_live_checks(repo, options, name) if target and options.live_checks else None,
        generated_at=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        generated_by=current_user(repo),
    )


def _works(repo: GitRepo, steps: list[Step], dialect: str, live: LiveFacts) -> dict[str, Work]:
    """Every step the repository knows (this branch and HEAD's migrations) as calibration data."""
    known = {s.commit: s for s in steps if s.commit}
    for migration in load_migrations(repo, "HEAD").values():
        known.update({s.commit: s for s in migration.steps if s.commit and s.commit not in known})
    works = {}
    for commit, step in known.items():
        try:
            works[commit] = step_work(step, dialect, live.affected(step.id))
        except GitMigrateError:  # a step of another dialect: no calibration data from it
            continue
    return works


def _facts(
    step: Step,
    note: dict[str, Any],
    description: Description,
    dialect: str,
    model: EstimateModel,
    live: LiveFacts,
    target_name: str | None,
) -> StepFacts:
    up = description.forward
    rows = {
        o: live.table_rows[o.rsplit(".", 1)[-1].lower()]
        for st in up
        for o in st.objects
        if o.rsplit(".", 1)[-1].lower() in live.table_rows
    }
    affected = live.affected(step.id)
    work = Work(tuple(s.operation for s in up), affected)
    down_ops = tuple(s.operation for s in description.backward)
    row = live.ledger.get(step.id)
    return StepFacts(
        step=step,
        description=description,
        dialect=dialect,
        lint=tuple(note.get("lint") or ()),
        estimate=model.estimate(step, work, target_name),
        rollback_estimate=model.estimate_rollback(step, Work(down_ops, affected), target_name),
        rows=rows,
        ledger=row,
        state=(row.status if row else "pending") if target_name is not None else None,
    )


def _scope_events(events: dict[str, list[dict[str, Any]]], ids: set[str]) -> tuple[RunEvent, ...]:
    """Events of these steps, plus the run-level events (started/finished) of runs that had any."""
    found = [RunEvent(c, e) for c, evs in events.items() for e in evs if e.get("step") in ids]
    runs = {e.get("run") for e in found}
    found += [
        RunEvent(c, e)
        for c, evs in events.items()
        for e in evs
        if "step" not in e and (e.get("run") in runs or ids & set(e.get("steps") or ()))
    ]
    return tuple(
        sorted(found, key=lambda r: (str(r.get("at", "")), str(r.get("run")), int(r.get("seq", 0))))
    )


def _live_checks(repo: GitRepo, options: PlanOptions, name: str) -> LiveChecks:
    """`git migrate verify` and the schema drift check, each reported rather than raised."""
    from gitmigrate.engine.verify import verify
    from gitmigrate.schema.live import schema_drift

    checked: tuple[str, ...] = ()
    findings: tuple[tuple[str, str, str, str], ...] = ()
    verify_error = drift_error = None
    drift: tuple[str, ...] = ()
    try:
        result = verify(repo, options.target, name)
        checked = tuple(result.checked)
        findings = tuple((s, f.severity, f.rule, f.message) for s, f in result.findings)
    except GitMigrateError as exc:
        verify_error = exc.message
    try:
        drift = tuple(schema_drift(repo, options.target).differences)
    except GitMigrateError as exc:
        drift_error = exc.message
    return LiveChecks(checked, findings, drift, drift_error, verify_error)
