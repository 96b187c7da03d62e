"""`verify`: re-run every applied step's verify.sql (read-only, rolled back) and check drift
between the target's ledger, the run notes and the branch."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_run_events
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.engine.kinds import Finding, StepContext
from gitmigrate.engine.plan import steps_in_scope
from gitmigrate.engine.registry import get_kind
from gitmigrate.engine.status import target_status
from gitmigrate.engine.target import open_database_target


@dataclass
class VerifyResult:
    target: str
    checked: list[str] = field(default_factory=list)
    findings: list[tuple[str, Finding]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for _, f in self.findings)


def verify(repo: GitRepo, target_name: str | None, migration: str | None = None) -> VerifyResult:
    config = load_config(repo)
    scope = steps_in_scope(repo, config, migration)
    status = target_status(repo, target_name, migration)
    result = VerifyResult(status.target)
    for line in status.drift:
        result.findings.append((line.split(":", 1)[0], Finding("error", "drift", line)))
    target = open_database_target(config, target_name)
    try:
        rows = Ledger(target.engine).rows()
        _notes_drift(repo, scope, rows, status.target, result)
        with target.engine.connect() as conn:
            runner = conn.execution_options(no_parameters=True)
            for step in scope:
                row = rows.get(step.id)
                if row is None or row.status != "applied":
                    if row is not None and row.status in ("running", "needs_attention", "failed"):
                        result.findings.append(
                            (
                                step.id,
                                Finding(
                                    "error",
                                    "state",
                                    f"{step.id} is {row.status}: {row.error or ''}",
                                ),
                            )
                        )
                    continue
                result.checked.append(step.id)
                ctx = StepContext(
                    target,
                    target.dialect,
                    lambda sql: runner.exec_driver_sql(sql),
                    dry_run=True,
                    session=conn,
                )
                tx = conn.begin()
                try:
                    findings = get_kind(step.kind).verify(step, ctx)
                except Exception as exc:  # noqa: BLE001 - a failing verify is a finding
                    detail = str(getattr(exc, "orig", exc)).splitlines()[0]
                    findings = [
                        Finding("error", "verify", f"verify.sql of {step.id} raised: {detail}")
                    ]
                finally:
                    tx.rollback()
                result.findings.extend((step.id, f) for f in findings)
    finally:
        target.engine.dispose()
    return result


def _notes_drift(
    repo: GitRepo, scope: list[Step], rows: dict[str, LedgerRow], target: str, result: VerifyResult
) -> None:
    """Steps the notes say were applied to this target but the ledger does not know (or v.v.)."""
    events = read_run_events(repo, [s.commit for s in scope if s.commit])
    for step in scope:
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
