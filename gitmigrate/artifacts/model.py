"""The facts every artifact is written from, gathered once: the migration's steps (from its
branch), their notes (impact, lint), the run events (refs/notes/migrate-runs) and, with a
target, its ledger and row counts. The writers only format these; they never look anything up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitmigrate.artifacts.dataspec import DataSpec
from gitmigrate.core.model import Migration, Step
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.estimate import Estimate


@dataclass(frozen=True)
class StatementFacts:
    line: int
    operation: str
    objects: tuple[str, ...]
    destructive: bool
    reason: str | None
    lock: str


@dataclass(frozen=True)
class StepFacts:
    step: Step
    statements: tuple[StatementFacts, ...]  # of the forward change (up.sql; a data step's UPDATE)
    down_statements: tuple[StatementFacts, ...]
    lint: tuple[dict[str, Any], ...]
    estimate: Estimate
    rollback_estimate: Estimate
    transactional: bool
    data: DataSpec | None = None
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows now (with a target)
    affected_rows: int | None = None  # rows a data step changes (with a target)
    ledger: LedgerRow | None = None
    state: str | None = None  # with a target: pending | applied | failed | running | ...
    live_problem: str | None = None  # why a fact could not be read from the target

    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(sorted({o for s in self.statements for o in s.objects}))

    @property
    def destructive(self) -> bool:
        return any(s.destructive for s in self.statements)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(s.reason for s in self.statements if s.destructive and s.reason)

    @property
    def locks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.lock for s in self.statements))

    @property
    def has_rollback(self) -> bool:
        if self.step.irreversible:
            return False
        if self.data is not None:
            return self.data.mode == "copy" or self.data.backup
        return "down.sql" in self.step.files

    @property
    def lint_errors(self) -> tuple[dict[str, Any], ...]:
        return tuple(f for f in self.lint if f.get("severity") == "error")

    @property
    def lint_warnings(self) -> tuple[dict[str, Any], ...]:
        return tuple(f for f in self.lint if f.get("severity") == "warning")


@dataclass(frozen=True)
class RunEvent:
    """One line of the run notes, with the commit it is attached to."""

    commit: str
    data: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True)
class LiveChecks:
    """What only a live target can say: verify findings and schema drift."""

    verify_checked: tuple[str, ...] = ()
    verify_findings: tuple[tuple[str, str, str, str], ...] = ()  # step, severity, rule, message
    drift: tuple[str, ...] = ()
    drift_error: str | None = None
    verify_error: str | None = None


@dataclass(frozen=True)
class PlanModel:
    migration: Migration
    branch: str  # the ref the steps were read from
    tip: str  # its commit
    dialect: str
    target: str | None  # display name (never a password)
    steps: tuple[StepFacts, ...]
    events: tuple[RunEvent, ...]  # every event of this migration's steps and runs, oldest first
    live: LiveChecks | None
    generated_at: str
    generated_by: str

    def step_facts(self, step_id: str) -> StepFacts | None:
        return next((f for f in self.steps if f.step.id == step_id), None)

    def notes_states(self) -> dict[str, dict[str, str]]:
        """Per target named in the run notes: each step's last recorded state."""
        outcome = {
            "step_applied": "applied",
            "step_rolled_back": "rolled back",
            "rollback_skipped": "rolled back (skipped: irreversible)",
            "step_failed": "failed",
            "interrupted": "interrupted",
        }
        states: dict[str, dict[str, str]] = {}
        for event in self.events:
            name, step, target = event.get("event"), event.get("step"), event.get("target")
            if name in outcome and step and target and not event.get("dry_run"):
                states.setdefault(str(target), {})[str(step)] = outcome[str(name)]
        return {t: states[t] for t in sorted(states)}
