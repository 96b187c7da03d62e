"""`verify`: re-run every applied step's verify.sql (read-only, rolled back) and check drift
between the target's ledger, the run notes and the branch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_run_events
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.engine.checks import current_row
from gitmigrate.engine.kinds import Finding, StepContext
from gitmigrate.engine.plan import steps_in_scope
from gitmigrate.engine.registry import get_kind
from gitmigrate.engine.status import target_status
from gitmigrate.engine.target import DatabaseTarget, open_target, open_tree_target
from gitmigrate.engine.tree_steps import is_tree_step, read_tree_rows, tree_context, tree_name


@dataclass
class VerifyResult:
    target: str
    checked: list[str] = field(default_factory=list)
    findings: list[tuple[str, Finding]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for _, f in self.findings)


def verify(repo: GitRepo, target_name: str | None, migration: str | None = None) -> VerifyResult:
    """Database steps are verified against the database target, tree steps against their
    trees (only tree steps when the target is a tree)."""
    config = load_config(repo)
    scope = steps_in_scope(repo, config, migration)
    status = target_status(repo, target_name, migration)
    result = VerifyResult(status.target)
    for line in status.drift:
        result.findings.append((line.split(":", 1)[0], Finding("error", "drift", line)))
    target = open_target(config, target_name, repo, "read")
    database = target if isinstance(target, DatabaseTarget) else None
    override = None if database else target.name
    trees = {s.id for s in scope if is_tree_step(s)}
    if database is None:
        scope = [s for s in scope if s.id in trees]
    try:
        rows = Ledger(database.engine).rows() if database else {}
        unreachable: dict[str, str] = {}
        tree_steps = (s for s in scope if s.id in trees)
        lenient = unreachable if database is not None else None  # a tree target must open
        rows.update(read_tree_rows(repo, config, tree_steps, override, unreachable=lenient))
        for step_id, reason in unreachable.items():
            message = f"{step_id}: not verified, its tree is not reachable here: {reason}"
            result.findings.append((step_id, Finding("warning", "unreachable", message)))
        _notes_drift(
            repo,
            [s for s in scope if s.id not in unreachable],
            rows,
            lambda s: tree_name(s, override) if s.id in trees else status.target,
            result,
        )
        applied = [s for s in scope if _is_applied(s, current_row(s, rows.get(s.id)), result)]
        result.checked = [s.id for s in applied]
        for step in (s for s in applied if s.id in trees):
            tree = open_tree_target(config, repo, tree_name(step, override))
            ctx = tree_context(tree, dry_run=True, config=config)
            result.findings.extend((step.id, f) for f in _findings(step, ctx))
        if database is not None:
            _verify_database(database, [s for s in applied if s.id not in trees], result)
    finally:
        target.close()
    return result


def _is_applied(step: Step, row: LedgerRow | None, result: VerifyResult) -> bool:
    if row is not None and row.status in ("running", "needs_attention", "failed"):
        message = f"{step.id} is {row.status}: {row.error or ''}"
        result.findings.append((step.id, Finding("error", "state", message)))
    return row is not None and row.status == "applied"


def _verify_database(target: DatabaseTarget, steps: list[Step], result: VerifyResult) -> None:
    """Each step's verify in a transaction that is rolled back."""
    with target.engine.connect() as conn:
        runner = conn.execution_options(no_parameters=True)
        for step in steps:
            ctx = StepContext(
                target,
                target.dialect,
                lambda sql: runner.exec_driver_sql(sql),
                dry_run=True,
                session=conn,
            )
            tx = conn.begin()
            try:
                findings = _findings(step, ctx)
            finally:
                tx.rollback()
            result.findings.extend((step.id, f) for f in findings)


def _findings(step: Step, ctx: StepContext) -> list[Finding]:
    try:
        return get_kind(step.kind).verify(step, ctx)
    except Exception as exc:  # noqa: BLE001 - a failing verify is a finding
        detail = str(getattr(exc, "orig", exc)).splitlines()[0]
        return [Finding("error", "verify", f"verify.sql of {step.id} raised: {detail}")]


def _notes_drift(
    repo: GitRepo,
    scope: list[Step],
    rows: dict[str, LedgerRow],
    target_of: Callable[[Step], str],
    result: VerifyResult,
) -> None:
    """Steps the notes say were applied to this target but the ledger does not know (or v.v.)."""
    events = read_run_events(repo, [s.commit for s in scope if s.commit])
    for step in scope:
        target = target_of(step)
        applied_by_notes = None
        for event in events.get(step.commit or "", []):
            if event.get("target") != target:
                continue
            if event.get("event") == "step_applied":
                applied_by_notes = True
            elif event.get("event") in ("step_rolled_back", "rollback_skipped"):
                applied_by_notes = False
        row = rows.get(step.id)
        in_ledger = row is not None and row.status == "applied"
        if applied_by_notes is True and not in_ledger:
            result.findings.append(
                (
                    step.id,
                    Finding(
                        "warning",
                        "drift",
                        f"{step.id}: the run notes say applied to {target}, the target's ledger does not",
                    ),
                )
            )
        if applied_by_notes is False and in_ledger:
            result.findings.append(
                (
                    step.id,
                    Finding(
                        "warning",
                        "drift",
                        f"{step.id}: the run notes say rolled back on {target}, the ledger says applied",
                    ),
                )
            )
