"""The risk assessment, derived from facts only: destructive statements, irreversible steps,
lint findings, non-transactional steps, big tables under blocking locks, missing verifies and
steps left half-done on the target. Each risk comes with the mitigation that addresses it."""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.artifacts.model import PlanModel, StepFacts

BIG_TABLE_ROWS = 100_000
_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Risk:
    severity: str  # high | medium | low
    step: str
    risk: str
    mitigation: str


def assess(model: PlanModel) -> list[Risk]:
    found: list[Risk] = []
    for facts in model.steps:
        found += _step_risks(facts)
    return sorted(found, key=lambda r: (_ORDER[r.severity], r.step, r.risk))


def _step_risks(facts: StepFacts) -> list[Risk]:
    step = facts.step
    sid = step.id
    out: list[Risk] = []
    if facts.state in ("running", "needs_attention", "failed"):
        out.append(Risk("high", sid, f"the target's ledger says {facts.state}",
                        "`git migrate status` shows the error; fix it, then `git migrate resume`"))  # fmt: skip
    if step.irreversible:
        out.append(Risk("high", sid, f"irreversible: {step.irreversible}",
                        "take a full backup of the target first; rollback-plan.md lists what "
                        "cannot be restored"))  # fmt: skip
    for reason in facts.reasons:
        if step.irreversible and reason.startswith("irreversible"):
            continue
        out.append(Risk("high", sid, f"destructive: {reason}",
                        f"run migration-scripts/{step.dir_name}.backup.sql first (run.sh does), "
                        "keep the copy until the change is verified; apply asks for confirmation"))  # fmt: skip
    for finding in facts.lint_errors:
        rule = finding.get("rule", "")
        out.append(Risk("high", sid, f"lint error {rule} (line {finding.get('line')}): "
                        f"{finding.get('message', '')}",
                        f"{finding.get('fix') or 'fix the statement'}; or accept it with "
                        f"`--allow {rule}`"))  # fmt: skip
    for finding in facts.lint_warnings:
        out.append(Risk("medium", sid, f"lint warning {finding.get('rule')} (line "
                        f"{finding.get('line')}): {finding.get('message', '')}",
                        str(finding.get("fix") or "review the statement")))  # fmt: skip
    out += [Risk(r.severity, sid, r.risk, r.mitigation) for r in facts.description.risks]
    for table, rows in sorted(facts.rows.items()):
        locks = [s.lock for s in facts.statements if table in s.objects and s.blocking]
        if rows >= BIG_TABLE_ROWS and locks:
            out.append(Risk("medium", sid, f"{table} has {rows} rows and is locked: {locks[0]}",
                            "run it in a quiet period, with lock_timeout/statement_timeout set; "
                            "prefer an online variant (CONCURRENTLY, ALGORITHM=INPLACE)"))  # fmt: skip
    return out
