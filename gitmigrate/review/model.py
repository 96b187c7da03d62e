"""One step's facts, the one value both `git migrate review` (and its pre-push gate) and
`git migrate plan` (the artifacts) are written from: the step, its kind's Description, and what
each gathered around it. The review fills the parse/lint analysis, secrets and where the step
was applied; the plan fills the note's lint, estimates and what a live target says. Nothing
here looks anything up; the JSON is shaped by the value (`to_json`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import Description, Operation
from gitmigrate.engine.estimate import Estimate
from gitmigrate.review.analysis import Analysis
from gitmigrate.review.applied import AppliedRecord
from gitmigrate.review.secrets import SecretFinding

if TYPE_CHECKING:  # the ledger module loads SQLAlchemy, which the pre-push hook never needs
    from gitmigrate.db.ledger import LedgerRow

NOT_ESTIMATED = Estimate(0.0, "not estimated", "none")


@dataclass(frozen=True)
class StepFacts:
    step: Step
    description: Description
    dialect: str
    # review: the step.toml as parsed, parse/lint analysis, accepted rules, secrets, runs
    meta: Mapping[str, Any] = field(default_factory=dict)
    analysis: Analysis = field(default_factory=Analysis)
    allow: frozenset[str] = frozenset()
    secrets: tuple[SecretFinding, ...] = ()
    applied: tuple[AppliedRecord, ...] = ()
    # plan: the step note's lint findings, estimates and a live target's facts
    lint: tuple[dict[str, Any], ...] = ()
    estimate: Estimate = NOT_ESTIMATED
    rollback_estimate: Estimate = NOT_ESTIMATED
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows now (with a target)
    ledger: LedgerRow | None = None
    state: str | None = None  # with a target: pending | applied | failed | running | ...

    @property
    def statements(self) -> tuple[Operation, ...]:
        """The forward change, statement by statement (a data step: its one operation)."""
        return self.description.forward

    @property
    def down_statements(self) -> tuple[Operation, ...]:
        return self.description.backward

    @property
    def objects(self) -> tuple[str, ...]:
        return self.description.objects

    @property
    def destructive(self) -> bool:
        return self.description.destructive

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.description.reasons

    @property
    def locks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.lock for s in self.statements))

    @property
    def has_rollback(self) -> bool:
        return not self.step.irreversible and self.description.has_rollback

    @property
    def rollback(self) -> str | None:
        """How the step is undone, in words; None when it cannot be."""
        return self.description.rollback

    @property
    def verify(self) -> str | None:
        return self.description.verify

    @property
    def destructive_items(self) -> tuple[Mapping[str, Any], ...]:
        """Statements (or operations) that lose data, up direction first."""
        return self.description.destructive_items

    @property
    def affected_rows(self) -> int | None:
        """Rows the step changes, as its kind read them from a live target."""
        return self.description.affected_rows

    @property
    def transactional(self) -> bool:
        return self.description.transactional

    @property
    def lint_errors(self) -> tuple[dict[str, Any], ...]:
        return tuple(f for f in self.lint if f.get("severity") == "error")

    @property
    def lint_warnings(self) -> tuple[dict[str, Any], ...]:
        return tuple(f for f in self.lint if f.get("severity") == "warning")

    @property
    def changed_since_applied(self) -> list[AppliedRecord]:
        return [r for r in self.applied if r.checksum != self.step.checksum]

    def to_json(self) -> dict[str, Any]:
        step = self.step
        doc: dict[str, Any] = {
            "id": step.id,
            "path": step.path,
            "kind": step.kind,
            "summary": step.summary,
            "commit": step.commit,
            "checksum": step.checksum,
            "dialect": self.dialect,
            "files": sorted(step.files),
            "options": dict(step.options),
            "irreversible": step.irreversible,
            "rollback": self.rollback,
            "verify": self.verify,
            "allow": sorted(self.allow),
            "parse_errors": [p.to_json() for p in self.analysis.parse],
            "lint": [f.to_json() for f in self.analysis.lint],
            "allow_error": self.analysis.allow_error,
            "destructive": [dict(d) for d in self.destructive_items],
            "secrets": [s.to_json() for s in self.secrets],
            "applied": [r.to_json() for r in self.applied],
            "changed_since_applied": [r.to_json() for r in self.changed_since_applied],
        }
        if self.estimate is not NOT_ESTIMATED:
            doc["estimate"] = _estimate(self.estimate)
            doc["rollback_estimate"] = _estimate(self.rollback_estimate)
            doc["statements"] = [s.to_json() for s in self.statements]
        if self.state is not None:
            doc["state"] = self.state
            doc["rows"] = dict(self.rows)
        return doc


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {
        "seconds": round(estimate.seconds, 3),
        "source": estimate.source,
        "basis": estimate.basis,
    }
