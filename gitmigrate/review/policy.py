"""What blocks a push: the problems the pre-push hook refuses, each naming the step and the fix.
The review shows the same list, so a reviewer sees what the hook will say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import TREE
from gitmigrate.engine.registry import find_kind
from gitmigrate.review.facts import ReviewFacts, StepFacts


@dataclass(frozen=True)
class Problem:
    step: str  # step id, or the step directory when the step could not be read
    check: str  # rollback | parse | lint | allow | applied-changed | secret | load
    message: str
    fix: str

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "check": self.check, "message": self.message, "fix": self.fix}


def step_problems(facts: StepFacts) -> list[Problem]:
    step = facts.step
    sid = step.id
    found: list[Problem] = []
    description = facts.description
    if facts.rollback is None and not step.irreversible:
        found.append(Problem(sid, "rollback",
                             f"step {sid} ({step.path}) {description.rollback_missing} and no "
                             "irreversible reason", description.rollback_fix))  # fmt: skip
    for p in facts.analysis.parse:
        found.append(Problem(sid, "parse", f"{p.file}:{p.line}:{p.column}: SQL does not parse: {p.detail}",
                             "fix the statement at that position"))  # fmt: skip
    if facts.analysis.allow_error:
        found.append(Problem(sid, "allow", facts.analysis.allow_error,
                             "use the rule ids of docs/lint-rules.md (Squawk ids work too)"))  # fmt: skip
    for f in facts.analysis.lint:
        if f.blocking:
            found.append(Problem(
                sid, "lint", f"{f.file}:{f.line}:{f.column}: lint error [{f.rule}]: {f.message}",
                f"{f.fix} Or accept the risk: allow = [\"{f.rule}\"] in {step.path}/step.toml",
            ))  # fmt: skip
    for record in facts.changed_since_applied:
        found.append(Problem(
            sid, "applied-changed",
            f"step {sid} was applied to {record.where()} with checksum {record.checksum[:12]}, "
            f"and its files changed since (now {step.checksum[:12]})",
            f"restore the applied version (`git diff {record.commit[:12]} -- {step.path}`) and "
            "add a new step for the change, or roll the step back there first",
        ))  # fmt: skip
    for secret in facts.secrets:
        where = f"a {step.kind} step" if description.runs_in == TREE else f"step {sid}"
        found.append(Problem(
            sid, "secret", f"{secret.file}:{secret.line}: {secret.kind} in {where}",
            "write ${VAR} instead and export VAR where the step runs; rewrite the commit "
            "(amend or rebase) so the secret is not in history, and rotate it if it was shared",
        ))  # fmt: skip
    return found


def blocking_problems(facts: ReviewFacts) -> list[Problem]:
    found = [Problem(p.path, "load", p.message, p.fix) for p in facts.problems]
    for step in facts.steps:
        found += step_problems(step)
    found += kind_problems(facts)
    for removed in facts.removed:
        for record in removed.applied:
            found.append(Problem(
                removed.step_id, "applied-changed",
                f"step {removed.step_id} ({removed.path}) was applied to {record.where()}, "
                "and this push removes it",
                f"restore {removed.path}, or roll the step back there first",
            ))  # fmt: skip
    return found


def kind_problems(facts: ReviewFacts) -> list[Problem]:
    """What the kinds that judge a migration's steps together (`push_checker`) say blocks the
    push: the api kind's breaking changes with neither an adapter nor a waiver."""
    if facts.root is None:
        return []
    by_kind: dict[str, list[Step]] = {}
    for step in facts.steps:
        by_kind.setdefault(step.step.kind, []).append(step.step)
    found = []
    for name, steps in sorted(by_kind.items()):
        kind = find_kind(name)
        checker = kind.push_checker if kind is not None else None
        if checker is not None:
            found += [Problem(sid, "kind", message, fix)
                      for sid, message, fix in checker.push_problems(steps, facts.root)]  # fmt: skip
    return found
