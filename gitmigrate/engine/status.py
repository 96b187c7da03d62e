"""Per-target status: what the target's ledger says about every step in scope, plus drift
(ledger rows for steps the tree no longer has, applied steps whose files changed). Tree steps
show what their trees' ledger files say; a tree target shows its tree steps only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.engine.checks import changed_files, current_row, previous_row
from gitmigrate.engine.next_step import NextStep, Scope, gone_next, step_next, target_next
from gitmigrate.engine.plan import steps_in_scope
from gitmigrate.engine.repair import decision_note
from gitmigrate.engine.target import DatabaseTarget, open_target
from gitmigrate.engine.tree_steps import TREE_DIALECT, is_tree_step, read_tree_rows
from gitmigrate.errors import GitMigrateError


@dataclass(frozen=True)
class StepState:
    step_id: str
    summary: str
    # pending | applied | failed | running | needs_attention | rolled_back | skipped | abandoned;
    # unreachable: a tree step whose tree this machine cannot open (the error says why)
    state: str
    applied_at: str | None = None
    applied_by: str | None = None
    checkpoint: dict[str, Any] | None = None
    statements_done: int = 0
    error: str | None = None
    changed: tuple[str, ...] = ()
    # the command that leaves this state (None: nothing to run) and what to do before it
    next: str | None = None
    next_why: str = ""
    # the ledger row of a step with the same id whose files were replaced since it failed
    # (or was rolled back, abandoned): history, not this step's state
    previous: dict[str, Any] | None = None
    note: str | None = None  # a skipped or decided step: why, and the command that changes it


@dataclass
class TargetStatus:
    target: str
    dialect: str
    steps: list[StepState] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    # the single command to run next for the whole target (None: nothing to do)
    next: NextStep | None = None

    def count(self, state: str) -> int:
        return sum(1 for s in self.steps if s.state == state)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "dialect": self.dialect,
            "applied": self.count("applied"),
            "pending": self.count("pending") + self.count("rolled_back"),
            "failed": self.count("failed"),
            "in_flight": self.count("running") + self.count("needs_attention"),
            "skipped": self.count("skipped"),
            "abandoned": self.count("abandoned"),
            "drift": self.drift,
            "next": self.next.command if self.next else None,
            "next_why": self.next.why if self.next else None,
            "steps": [s.__dict__ for s in self.steps],
        }


def _has_path(repo: GitRepo, commit: str, path: str) -> bool:
    """Whether the applied commit has the step's directory (else the step was replaced)."""
    try:
        return bool(repo.ls_tree(commit, path))
    except GitMigrateError:
        return False


def _old_path(repo: GitRepo, commit: str, step: Step) -> str | None:
    """The directory the applied step had at its commit (a replaced step's differs)."""
    prefix = f"{MIGRATIONS_DIR}/{step.migration}/{step.id.rsplit('/', 1)[1]}-"
    try:
        entries = repo.ls_tree(commit, f"{MIGRATIONS_DIR}/{step.migration}")
    except GitMigrateError:
        return None
    found = {e.path.split("/")[2] for e in entries if e.path.startswith(prefix)}
    return f"{MIGRATIONS_DIR}/{step.migration}/{sorted(found)[0]}" if found else None


def _state(row: LedgerRow | None) -> str:
    return "pending" if row is None else row.status


def _history(row: LedgerRow) -> dict[str, Any]:
    return {
        "status": row.status,
        "error": row.error,
        "checksum": row.checksum,
        "commit": row.commit,
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
    }


def target_status(
    repo: GitRepo, target_name: str | None, migration: str | None = None
) -> TargetStatus:
    config = load_config(repo)
    scope = steps_in_scope(repo, config, migration)
    target = open_target(config, target_name, repo, "read")
    trees = [s for s in scope if is_tree_step(s)]
    unreachable: dict[str, str] = {}
    if isinstance(target, DatabaseTarget):
        try:
            rows = Ledger(target.engine).rows()
        finally:
            target.close()
        status = TargetStatus(target.name, target.dialect)
        # tree steps: their trees' ledgers, where this machine reaches them
        rows.update(read_tree_rows(repo, config, trees, unreachable=unreachable))
    else:  # a tree target: its tree steps only
        scope = trees
        rows = read_tree_rows(repo, config, trees, target.name)
        status = TargetStatus(target.name, TREE_DIALECT)
    known = set()
    way_out = Scope(migration, target_name)
    states: list[tuple[str, NextStep]] = []
    for step in scope:
        known.add(step.id)
        row = current_row(step, rows.get(step.id))
        previous = previous_row(step, rows.get(step.id))
        changed: tuple[str, ...] = ()
        if row is not None and row.status == "applied" and row.checksum != step.checksum:
            changed = tuple(changed_files(repo, step, row.commit)) or ("(files)",)
            status.drift.append(f"{step.id}: applied, but {', '.join(changed)} changed since")
        state = "unreachable" if step.id in unreachable else _state(row)
        out = step_next(
            way_out,
            step.id,
            state,
            checkpoint=row.checkpoint if row else None,
            error=row.error if row else unreachable.get(step.id),
            changed=changed,
            commit=row.commit if row else None,
            path=step.path if changed and row and _has_path(repo, row.commit, step.path) else None,
            old_path=_old_path(repo, row.commit, step) if changed and row else None,
        )
        states.append(("changed" if changed else state, out))
        status.steps.append(
            StepState(
                step_id=step.id,
                summary=step.summary,
                state=state,
                applied_at=row.finished_at.isoformat() if row and row.finished_at else None,
                applied_by=row.applied_by if row else None,
                checkpoint={k: v for k, v in (row.checkpoint or {}).items() if k != "schema_before"}
                if row
                else None,
                statements_done=row.statements_done if row else 0,
                error=row.error if row else unreachable.get(step.id),
                changed=changed,
                next=out.command,
                next_why=out.why,
                previous=_history(previous) if previous is not None else None,
                note=decision_note(step.id, row),
            )
        )
    prefixes = {s.migration for s in scope}
    for step_id, row in rows.items():
        if step_id not in known and row.migration in prefixes and row.status == "applied":
            status.drift.append(f"{step_id}: applied on the target but not in this tree")
            states.append(("gone", gone_next(way_out, step_id, row.commit)))
    status.next = target_next(states)
    return status
