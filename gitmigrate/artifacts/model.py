"""The facts every artifact is written from, gathered once: the migration's steps (from its
branch) with their kinds' Descriptions, their notes (impact, lint), the run events
(refs/notes/migrate-runs) and, with a target, its ledger and row counts. The writers only
format these; they never look anything up. A step's facts are the review's value
(`gitmigrate.review.model.StepFacts`): one model for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitmigrate.core.model import Migration
from gitmigrate.review.model import StepFacts

__all__ = ["LiveChecks", "PlanModel", "RunEvent", "StepFacts"]


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
