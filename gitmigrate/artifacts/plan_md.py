"""`migration-plan.md`: what the migration changes, how it will run, what it risks, and how
success is checked -- the document a reviewer reads before approving the pull request."""

from __future__ import annotations

from gitmigrate.artifacts.markdown import code, header, seconds, short, table, target_flag
from gitmigrate.artifacts.model import PlanModel, StepFacts
from gitmigrate.artifacts.risks import assess
from gitmigrate.artifacts.scripts import StepScripts

_ORDER = ("pre-check.sql", "backup.sql", "up.sql", "post-check.sql", "down.sql")


def render(model: PlanModel, scripts: dict[str, StepScripts]) -> str:
    lines = header(f"Migration plan: {model.migration.name}", model)
    lines += _overview(model)
    lines += _current_state(model)
    lines += _target_state(model)
    lines += _strategy(model)
    lines += ["## Steps", ""]
    for facts in model.steps:
        lines += _step(facts, scripts[facts.step.id])
    lines += _risks(model)
    lines += _validation(model, scripts)
    return "\n".join(lines).rstrip() + "\n"


def _overview(model: PlanModel) -> list[str]:
    m = model.migration
    kinds: dict[str, int] = {}
    for f in model.steps:
        kinds[f.step.kind] = kinds.get(f.step.kind, 0) + 1
    total = sum(f.estimate.seconds for f in model.steps)
    rows = [
        ["migration", f"{m.name}" + (f" -- {m.description}" if m.description else "")],
        ["branch", f"{model.branch} at {short(model.tip)}"],
        ["base", short(m.base)],
        ["dialect", model.dialect],
        ["target", model.target or "none given (state below is from the run notes)"],
        [
            "steps",
            f"{len(model.steps)} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})",
        ],
        ["estimated duration", seconds(total)],
    ]
    return table(["", ""], rows)


def _current_state(model: PlanModel) -> list[str]:
    lines = ["## Current state", ""]
    if model.target is not None:
        rows = []
        for f in model.steps:
            row = f.ledger
            when = (
                row.finished_at.strftime("%Y-%m-%d %H:%M:%S UTC") if row and row.finished_at else ""
            )
            rows.append([f.step.id, f.step.summary, f.state, when, row.applied_by if row else ""])
        applied = sum(1 for f in model.steps if f.state == "applied")
        lines += [f"On target {code(model.target)} (its ledger): {applied} of "
                  f"{len(model.steps)} step(s) applied.", ""]  # fmt: skip
        return lines + table(["step", "summary", "state", "applied at", "by"], rows)
    states = model.notes_states()
    if not states:
        return lines + [
            "No run is recorded in the run notes: every step is pending everywhere.",
            "",
        ]
    targets = list(states)
    lines += ["No target given; per the run notes (`refs/notes/migrate-runs`):", ""]
    rows = [
        [f.step.id, *(states[t].get(f.step.id, "pending") for t in targets)] for f in model.steps
    ]
    return lines + table(["step", *targets], rows)


def _target_state(model: PlanModel) -> list[str]:
    touched: dict[str, list[str]] = {}
    for f in model.steps:
        for s in f.statements:
            for obj in s.objects:
                touched.setdefault(obj, []).append(f"{f.step.seq:03d} {s.operation}")
    lines = ["## Target state", "",
             "Every step applied and recorded in the target's ledger table `gitmigrate_ledger` "
             "with its checksum. Objects changed, in order:", ""]  # fmt: skip
    rows = [[obj, ", ".join(dict.fromkeys(ops))] for obj, ops in sorted(touched.items())]
    return lines + (table(["object", "changes"], rows) if rows else ["(no database objects)", ""])


def _strategy(model: PlanModel) -> list[str]:
    flag = target_flag(model)
    atomic = {
        "sqlite": "each SQL step runs in one transaction with its verify and ledger row",
        "postgresql": "each SQL step runs in one transaction with its verify and ledger row "
        "(steps with `transaction = false` statement by statement)",
        "mysql": "MySQL/MariaDB commit DDL at once: each statement is recorded as it completes, "
        "and a failure undoes the completed statements of the step",
    }[model.dialect]
    lines = ["## Strategy", "",
             f"- Steps run in NNN order under the target lock; {atomic}.",
             "- Destructive steps ask for confirmation (`--yes` in scripts); lint errors block "
             "the run unless allowed with `--allow RULE`.",
             "- The run stops at the first failure; the failed step is rolled back, earlier steps "
             "stay applied (`--rollback-on-failure=all` undoes the whole run)."]  # fmt: skip
    for line in dict.fromkeys(x for f in model.steps for x in f.description.strategy):
        lines.append(f"- {line}")
    lines += [f"- Preview: `git migrate apply --dry-run{flag}`; apply: `git migrate apply{flag}`.",
              "- By hand: `migration-scripts/run.sh up DATABASE_URL_OR_FILE` (same order, same "
              "ledger rows; see the comments in run.sh).",
              "- Rollback: see `rollback-plan.md`.", ""]  # fmt: skip
    return lines


def _script_names(scripts: StepScripts) -> list[str]:
    """The SQL scripts in the order they run, then any other script the kind renders (a
    config step's `up.sh`/`down.sh`)."""
    others = (n for n in scripts.files if n not in _ORDER)
    return [n for n in _ORDER if n in scripts.files] + sorted(others, key=_up_first)


def _up_first(name: str) -> tuple[bool, str]:
    return not name.startswith("up."), name


def _step(facts: StepFacts, scripts: StepScripts) -> list[str]:
    step = facts.step
    lines = [f"### {step.seq:03d} {step.summary} ({step.kind})", ""]
    info = [
        ["id", step.id],
        ["commit", short(step.commit)],
        ["checksum", f"{step.checksum_algo}:{step.checksum[:16]}"],
        ["files", ", ".join(sorted(step.files))],
        ["destructive", "yes: " + "; ".join(facts.reasons) if facts.destructive else "no"],
        ["rollback", _rollback_kind(facts)],
        [
            "scripts",
            ", ".join(f"{step.dir_name}.{n}" for n in _script_names(scripts))
            + ("" if scripts.runnable else " (not runnable by run.sh)"),
        ],
        [
            "estimate",
            f"{seconds(facts.estimate.seconds)} ({facts.estimate.source}: {facts.estimate.basis})",
        ],  # fmt: skip
    ]
    if facts.state is not None:
        info.insert(2, ["state on target", facts.state])
    lines += table(["", ""], info)
    description = facts.description
    if description.details:
        lines += [description.details_title, ""] + table(["", ""], description.details)
    if facts.statements:
        lines += ["Impact:", ""]
        rows = [[s.line or "", s.operation, ", ".join(s.objects), s.lock,
                 s.reason if s.destructive else "no"] for s in facts.statements]  # fmt: skip
        lines += table(["line", "operation", "objects", "lock", "destructive"], rows)
    if facts.rows:
        rows = [[t, n] for t, n in sorted(facts.rows.items())]
        lines += ["Rows now:", ""] + table(["table", "rows"], rows)
    if facts.lint:
        rows = [[f.get("severity"), f.get("rule"), f.get("file"), f.get("line"),
                 f.get("message"), "yes" if f.get("allowed") else ""] for f in facts.lint]  # fmt: skip
        lines += ["Lint findings:", ""]
        lines += table(["severity", "rule", "file", "line", "message", "allowed"], rows)
    elif description.lint_listed:
        lines += ["Lint findings: none.", ""]
    return lines


def _rollback_kind(facts: StepFacts) -> str:
    step = facts.step
    if step.irreversible:
        return f"none: irreversible ({step.irreversible})"
    return facts.description.undo


def _risks(model: PlanModel) -> list[str]:
    risks = assess(model)
    lines = ["## Risk assessment", ""]
    if not risks:
        return lines + ["No risk found in the facts above.", ""]
    rows = [[r.severity, r.step, r.risk, r.mitigation] for r in risks]
    return lines + table(["severity", "step", "risk", "mitigation"], rows)


def _validation(model: PlanModel, scripts: dict[str, StepScripts]) -> list[str]:
    flag = target_flag(model)
    lines = ["## Validation strategy", ""]
    for f in model.steps:
        step = f.step
        how = f.description.validation
        if "post-check.sql" in scripts[step.id].files:
            how += f"; by hand: `migration-scripts/{step.dir_name}.post-check.sql`"
        lines.append(f"- {step.id}: {how}.")
    lines += ["",
              f"After the run: `git migrate verify{flag}` re-runs every applied step's verify and "
              "compares ledger, run notes and branch; "
              f"`git migrate schema drift{flag}` compares the live schema with the one the "
              "applied steps produce; `git migrate plan" + flag + "` then writes "
              "`validation-report.md` with the results.", ""]  # fmt: skip
    return lines
