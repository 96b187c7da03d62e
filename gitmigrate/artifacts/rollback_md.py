"""`rollback-plan.md`: for each step, newest first, how to undo it, how long that takes, what
data could be lost and how to check the target came back. Irreversible steps come first."""

from __future__ import annotations

from gitmigrate.artifacts.markdown import header, seconds, table, target_flag
from gitmigrate.artifacts.model import PlanModel, StepFacts


def render(model: PlanModel) -> str:
    lines = header(f"Rollback plan: {model.migration.name}", model)
    lines += _irreversible(model)
    lines += _order(model)
    lines += ["## Steps, newest first", ""]
    for index, facts in enumerate(reversed(model.steps)):
        keep = model.steps[len(model.steps) - index - 2] if index < len(model.steps) - 1 else None
        lines += _step(facts, model, keep)
    lines += _verification(model)
    return "\n".join(lines).rstrip() + "\n"


def _irreversible(model: PlanModel) -> list[str]:
    lines = ["## Irreversible steps (read first)", ""]
    blocked = [f for f in reversed(model.steps) if not f.has_rollback]
    if not blocked:
        return lines + ["None: every step can be undone.", ""]
    for f in blocked:
        reason = f.step.irreversible or "it has no rollback"
        lines.append(f"- **{f.step.id} {f.step.summary}**: {reason}. A rollback past it stops "
                     "there; `git migrate rollback --force` skips it and leaves its effects "
                     "(restore them from a backup of the target).")  # fmt: skip
    return lines + [""]


def _order(model: PlanModel) -> list[str]:
    flag = target_flag(model)
    total = sum(f.rollback_estimate.seconds for f in model.steps if f.has_rollback)
    return ["## How", "",
            f"- Everything: `git migrate rollback --all{flag}` (newest first, each step checked "
            "against the schema snapshot taken before it was applied, each undo recorded as a "
            "`rollback:` commit on the migration branch).",
            f"- Back to a step: `git migrate rollback --to NNN{flag}` keeps NNN applied.",
            "- By hand: `migration-scripts/run.sh down DATABASE_URL_OR_FILE` runs the `.down.sql` "
            "scripts newest first and marks the ledger rows rolled back.",
            f"- Expected duration of a full rollback: {seconds(total)}.", ""]  # fmt: skip


def _step(facts: StepFacts, model: PlanModel, keep: StepFacts | None) -> list[str]:
    step = facts.step
    flag = target_flag(model)
    back_to = f"--to {keep.step.seq:03d}" if keep else "--all"
    rows = [
        ["how to undo", _how(facts)],
        ["command", f"git migrate rollback {back_to}{flag}" if facts.has_rollback else "(none)"],
        [
            "expected duration",
            f"{seconds(facts.rollback_estimate.seconds)} "
            f"({facts.rollback_estimate.source}: {facts.rollback_estimate.basis})",
        ],  # fmt: skip
        ["data that could be lost", _loss(facts)],
        ["verify restoration", _check(facts, model)],
    ]
    if facts.state is not None:
        rows.insert(0, ["state on target", facts.state])
    return [f"### {step.seq:03d} {step.summary} ({step.kind})", ""] + table(["", ""], rows)


def _how(facts: StepFacts) -> str:
    step = facts.step
    if step.irreversible:
        return f"cannot be undone: {step.irreversible}"
    return facts.description.undo_detail


def _loss(facts: StepFacts) -> str:
    if facts.step.irreversible:
        return "everything the step changed stays changed: " + "; ".join(
            facts.reasons or ("its effects",)
        )
    return facts.description.loss


def _check(facts: StepFacts, model: PlanModel) -> str:
    flag = target_flag(model)
    parts = [f"`git migrate verify{flag}`", f"`git migrate schema drift{flag}`"]
    parts.append(facts.description.restore_check)
    return "; ".join(parts)


def _verification(model: PlanModel) -> list[str]:
    flag = target_flag(model)
    return ["## After a rollback", "",
            f"1. `git migrate status{flag}`: the steps rolled back show as pending.",
            f"2. `git migrate verify{flag}`: the steps still applied pass their verify.",
            f"3. `git migrate schema drift{flag}`: no difference from the schema the remaining "
            "steps produce.",
            "4. `git log` on the migration branch shows one `rollback:` commit per undone step.",
            ""]  # fmt: skip
