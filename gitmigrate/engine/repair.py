"""`repair STEP --resolved|--rerun|--abandon`: an operator's decision about a step in a state
the tool cannot leave by itself, recorded, never a silent force.

- `resolved`: the operator finished the step by hand; it counts as applied (its checksum is
  recorded, so from now on it is protected as any applied step);
- `rerun`: its ledger row is cleared, so the next apply runs it again from the start;
- `abandon`: status `abandoned`; apply skips it, but a replaced step with the same id (other
  files, another checksum) is not blocked by it.

Each decision is a run event in refs/notes/migrate-runs and the step's ledger row (its
checkpoint carries `decision`), which status and the validation report show. Decisions that
leave partial effects in place or run a step over them ask for confirmation (`--yes`).
Also here: the record of a forced rollback of an irreversible step (status `skipped`), which
`repair --rerun` undoes deliberately.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.db.locks import target_lock
from gitmigrate.engine.plan import steps_in_scope
from gitmigrate.engine.runlog import RunRecorder, now
from gitmigrate.engine.target import DatabaseTarget, open_target, upgrade_recorder
from gitmigrate.engine.tree_steps import is_tree_step
from gitmigrate.errors import BlockedError, UsageError

DECISIONS = ("resolved", "rerun", "abandon")
# states only an operator can judge; `applied` stays protected by its checksum
REPAIRABLE = ("failed", "running", "needs_attention", "skipped", "abandoned")
_PARTIAL = ("running", "needs_attention", "skipped")  # effects of the step may be in place
SKIPPED_REASON = "forced rollback; its effects stay"


@dataclass(frozen=True)
class RepairOptions:
    step: str  # "migration/NNN", or NNN within the current migration
    decision: str
    target: str | None = None
    migration: str | None = None
    yes: bool = False
    reason: str | None = None
    lock_timeout: float = 60.0


@dataclass(frozen=True)
class RepairResult:
    target: str
    step_id: str
    decision: str
    before: str  # the step's status before the decision
    after: str  # after it; `pending` when the row was cleared
    run_id: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def decision_record(decision: str, recorder: RunRecorder, reason: str | None) -> dict[str, Any]:
    """What a ledger row's checkpoint keeps of an operator's decision."""
    record = {"decision": decision, "by": recorder.user, "run": recorder.run_id}
    record["at"] = now().isoformat(timespec="seconds")
    return {**record, **({"reason": reason} if reason else {})}


def decision_note(step_id: str, row: LedgerRow | None) -> str | None:
    """The words status shows for a decided or skipped step, with the command that changes it."""
    if row is None:
        return None
    decision = (row.checkpoint or {}).get("decision") or {}
    by = f" by {decision['by']}" if decision.get("by") else ""
    if row.status == "skipped":
        return (
            f"skipped ({SKIPPED_REASON}); to apply it again deliberately:"
            f" `git migrate repair {step_id} --rerun`"
        )
    if row.status == "abandoned":
        return (
            f"abandoned{by} (repair --abandon): apply skips it;"
            f" `git migrate repair {step_id} --rerun` runs it again"
        )
    if row.status == "applied" and decision.get("decision") == "resolved":
        return f"resolved by hand{by} (repair --resolved)"
    if row.status == "applied" and decision.get("decision") == "env-sync":
        return f"recorded{by}, not run: {decision.get('reason') or 'env sync'}"
    return None


def repair(
    repo: GitRepo,
    options: RepairOptions,
    confirm: Callable[[str], bool] | None = None,
) -> RepairResult:
    if options.decision not in DECISIONS:
        raise UsageError(
            f"unknown decision {options.decision!r}", "pass one of --resolved, --rerun, --abandon"
        )
    config = load_config(repo)
    step = _find(steps_in_scope(repo, config, options.migration), options.step)
    if is_tree_step(step):
        raise UsageError(
            f"step {step.id} is a tree step: repair records decisions for database steps",
            "roll the tree step back or apply it again with `git migrate rollback`/`apply`",
        )
    target = open_target(config, options.target, repo)
    if not isinstance(target, DatabaseTarget):
        target.close()
        raise UsageError(
            f"target {target.name} is a tree", "pass the database target with --target NAME"
        )
    recorder = RunRecorder(repo, target.name, "repair", dry_run=False)
    head = repo.head_commit()
    ledger = Ledger(target.engine, on_upgrade=upgrade_recorder(recorder, head))
    try:
        with target_lock(target.engine, timeout=options.lock_timeout):
            with target.engine.connect() as conn:
                row = ledger.get(conn, step.id)
            before = _check(step, row, options.decision)
            _confirm(step, before, options, confirm)
            after = _record(target, ledger, step, options, recorder)
        recorder.event(
            "step_repaired",
            step,
            head,
            decision=options.decision,
            previous=before,
            status=after,
            reason=options.reason,
        )
    finally:
        recorder.flush()
        target.close()
    return RepairResult(target.name, step.id, options.decision, before, after, recorder.run_id)


def _find(scope: list[Step], ref: str) -> Step:
    match = next((s for s in scope if ref in (s.id, str(s.seq), f"{s.seq:03d}")), None)
    if match is None:
        raise UsageError(
            f"no step {ref!r} in this migration", "`git migrate status` lists the steps"
        )
    return match


def _check(step: Step, row: LedgerRow | None, decision: str) -> str:
    state = "pending" if row is None or row.status == "rolled_back" else row.status
    if state in REPAIRABLE:
        return state
    if state == "applied":
        raise BlockedError(
            f"step {step.id} is applied: there is nothing to decide",
            f"to undo it, `git migrate rollback --to {step.seq - 1:03d}`"
            if step.seq > 1
            else "to undo it, `git migrate rollback --all`",
        )
    raise BlockedError(
        f"step {step.id} is pending: there is nothing to decide",
        "`git migrate apply` runs it",
    )


def _confirm(
    step: Step, before: str, options: RepairOptions, confirm: Callable[[str], bool] | None
) -> None:
    risky = (options.decision == "rerun" and before in _PARTIAL) or (
        options.decision == "abandon" and before in ("running", "needs_attention")
    )
    if not risky or options.yes:
        return
    what = (
        "apply will run it again from the start over what it already did"
        if options.decision == "rerun"
        else "what it already did stays, and apply will not finish it"
    )
    if confirm is None:
        raise BlockedError(
            f"repair --{options.decision} of step {step.id} ({before}) needs confirmation: {what}",
            "run it in a terminal to be asked, or pass --yes",
        )
    if not confirm(f"Step {step.id} is {before}: {what}.\nRecord --{options.decision}?"):
        raise BlockedError("not repaired: not confirmed", "nothing was changed")


def _record(
    target: DatabaseTarget,
    ledger: Ledger,
    step: Step,
    options: RepairOptions,
    recorder: RunRecorder,
) -> str:
    with target.engine.begin() as conn:
        ledger.ensure(conn)  # `abandoned` needs ledger version 2
        if options.decision == "rerun":
            ledger.delete(conn, step.id)
            return "pending"
        status = "applied" if options.decision == "resolved" else "abandoned"
        ledger.update(
            conn,
            step.id,
            status=status,
            commit=step.commit or "",
            checksum=step.checksum,
            checkpoint={"decision": decision_record(options.decision, recorder, options.reason)},
            error=None,
            run_id=recorder.run_id,
            finished_at=now(),
        )
        return status
