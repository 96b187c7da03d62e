"""`validation-report.md`: what the recorded runs did and what the target looks like now --
fit for an audit trail (who, when, from which commit, on which target). Built from the run
notes, plus the target's ledger, verify and schema drift when a target is given. Targets appear
by name or redacted URL only: that is all the run notes and the model hold."""

from __future__ import annotations

import json
from collections import defaultdict

from gitmigrate.artifacts.markdown import code, header, short, table, target_flag
from gitmigrate.artifacts.model import PlanModel, RunEvent

_STEP_EVENTS = ("step_started", "step_applied", "step_failed", "rollback_started",
                "step_rolled_back", "rollback_skipped", "interrupted",
                "step_repaired")  # fmt: skip


def render(model: PlanModel) -> str:
    lines = header(f"Validation report: {model.migration.name}", model)
    lines += table(["", ""], [
        ["migration", model.migration.name],
        ["branch", f"{model.branch} at {short(model.tip)}"],
        ["target", model.target or "none given (from the run notes only)"],
    ])  # fmt: skip
    lines += _runs(model)
    lines += _pre_checks(model)
    lines += _per_step(model)
    lines += _checkpoints(model)
    lines += _integrity(model)
    lines += _drift(model)
    lines += _recommendations(model)
    return "\n".join(lines).rstrip() + "\n"


def _runs(model: PlanModel) -> list[str]:
    runs: dict[str, list[RunEvent]] = defaultdict(list)
    for event in model.events:
        runs[str(event.get("run", ""))].append(event)
    lines = ["## Runs", ""]
    if not runs:
        return lines + ["No run of this migration is recorded in `refs/notes/migrate-runs`.", ""]
    rows = []
    for run_id, events in sorted(runs.items(), key=lambda kv: str(kv[1][0].get("at"))):
        first, last = events[0], events[-1]
        started = next((e for e in events if e.get("event") == "run_started"), None)
        steps = sorted({str(e.get("step")) for e in events if e.get("step")})
        failed = any(e.get("event") in ("step_failed", "interrupted") for e in events)
        rows.append([
            run_id, first.get("command"), first.get("target"),
            f"{first.get('user')} on {first.get('host')}", first.get("at"), last.get("at"),
            short(started.commit) if started else "", ", ".join(steps),
            "failed" if failed else "ok",
        ])  # fmt: skip
    return lines + table(
        ["run", "command", "target", "who", "started", "last event", "HEAD commit", "steps",
         "outcome"], rows)  # fmt: skip


def _pre_checks(model: PlanModel) -> list[str]:
    lines = ["## Pre-checks", ""]
    rows = []
    for f in model.steps:
        if f.ledger is not None and f.ledger.status == "applied":
            same = f.ledger.checksum == f.step.checksum
            rows.append([f.step.id, "checksum of applied step", "ok" if same else
                         "FAILED: files changed since applied"])  # fmt: skip
        if f.state in ("running", "needs_attention"):
            rows.append([f.step.id, "not in flight", f"FAILED: {f.state}"])
        blocking = [x for x in f.lint_errors if not x.get("allowed")]
        rows.append([f.step.id, "no blocking lint error",
                     "ok" if not blocking else "FAILED: " + ", ".join(str(x.get("rule")) for x in blocking)])  # fmt: skip
        rows.append([f.step.id, "rollback or irreversible reason",
                     "ok" if f.has_rollback or f.step.irreversible else "FAILED"])  # fmt: skip
    return lines + table(["step", "check", "result"], rows)


def _per_step(model: PlanModel) -> list[str]:
    lines = ["## Per-step results", ""]
    rows = []
    for e in model.events:
        if e.get("event") not in _STEP_EVENTS:
            continue
        duration = e.get("duration_ms")
        detail = e.get("error") or e.get("reason") or ""
        if e.get("event") == "step_repaired":  # an operator's decision (`git migrate repair`)
            detail = (f"decision --{e.get('decision')} by {e.get('user')}: {e.get('previous')}"
                      f" -> {e.get('status')}" + (f" ({e.get('reason')})" if e.get("reason") else ""))  # fmt: skip
        if e.get("schema_differences"):
            detail = "schema differs after rollback: " + "; ".join(e.get("schema_differences"))
        counts = ", ".join(f"{k} {e.get(k)}" for k in ("statements", "rows", "chunks",
                           "quarantined") if e.get(k) is not None)  # fmt: skip
        rows.append([e.get("at"), e.get("run"), e.get("target"), e.get("step"), e.get("event"),
                     "" if duration is None else f"{duration} ms", counts, detail])  # fmt: skip
    if not rows:
        return lines + ["No step event recorded.", ""]
    return lines + table(
        ["at", "run", "target", "step", "event", "duration", "counts", "detail"], rows)  # fmt: skip


def _checkpoints(model: PlanModel) -> list[str]:
    lines = ["## Checkpoints", ""]
    rows = [
        [e.get("at"), e.get("run"), e.get("step"), e.get("position", ""),
         e.get("rows_done", e.get("rows", "")), e.get("key", "")]
        for e in model.events if e.get("event") == "checkpoint"
    ]  # fmt: skip
    if rows:
        lines += table(["at", "run", "step", "position", "rows", "key"], rows)
    ledger = [
        [
            f.step.id,
            f.ledger.status,
            f.ledger.statements_done,
            _checkpoint_text(f.ledger.checkpoint),
        ]
        for f in model.steps
        if f.ledger is not None and _checkpoint_text(f.ledger.checkpoint)
    ]
    if ledger:
        lines += [f"Last checkpoint per step in the ledger of `{model.target}`:", ""]
        lines += table(["step", "status", "position", "checkpoint"], ledger)
    if not rows and not ledger:
        lines += ["No checkpoint recorded: SQL steps commit as a whole"
                  + ("." if model.target else "; pass `--target` for data steps' chunk records."), ""]  # fmt: skip
    return lines


def _checkpoint_text(checkpoint: dict[str, object] | None) -> str:
    """The ledger checkpoint without the schema snapshot (large, and shown by drift)."""
    shown = {k: v for k, v in (checkpoint or {}).items() if k != "schema_before"}
    return json.dumps(shown, sort_keys=True, default=str) if shown else ""


def _integrity(model: PlanModel) -> list[str]:
    lines = ["## Integrity", "", "Checksums (tree, last recorded at apply, target ledger):", ""]
    recorded: dict[str, str] = {}
    for e in model.events:
        if e.get("event") == "step_applied" and e.get("checksum"):
            recorded[str(e.get("step"))] = str(e.get("checksum"))
    rows = []
    for f in model.steps:
        tree = f.step.checksum
        at_apply = recorded.get(f.step.id, "")
        ledger = f.ledger.checksum if f.ledger else ""
        agree = all(c == tree for c in (at_apply, ledger) if c)
        rows.append(
            [f.step.id, tree[:16], at_apply[:16], ledger[:16], "ok" if agree else "MISMATCH"]
        )
    lines += table(["step", "tree", "at apply", "ledger", "result"], rows)
    counts = sorted({(t, n) for f in model.steps for t, n in f.rows.items()})
    if counts:
        lines += ["Row counts on the target now:", ""] + table(["table", "rows"], counts)
    if model.live is not None:
        live = model.live
        if live.verify_error:
            lines += [f"`git migrate verify` could not run: {live.verify_error}", ""]
        else:
            lines += [f"`git migrate verify`: {len(live.verify_checked)} applied step(s) checked, "
                      f"{len(live.verify_findings)} finding(s).", ""]  # fmt: skip
            if live.verify_findings:
                lines += table(["step", "severity", "rule", "message"], live.verify_findings)
    return lines


def _drift(model: PlanModel) -> list[str]:
    lines = ["## Drift", ""]
    if model.live is None:
        return lines + ["Not checked: pass `--target` to compare the live schema with the one "
                        "the applied steps produce.", ""]  # fmt: skip
    if model.live.drift_error:
        return lines + [f"The schema drift check could not run: {model.live.drift_error}", ""]
    if not model.live.drift:
        return lines + [f"None: the schema of {code(model.target or '')} equals the one its "
                        "applied steps produce.", ""]  # fmt: skip
    return lines + [f"- {d}" for d in model.live.drift] + [""]


def _recommendations(model: PlanModel) -> list[str]:
    flag = target_flag(model)
    out: list[str] = []
    for f in model.steps:
        sid = f.step.id
        if f.state in ("failed", "running", "needs_attention"):
            out.append(f"{sid} is {f.state}: see `git migrate status{flag}`, fix the cause, then "
                       f"`git migrate resume{flag}`.")  # fmt: skip
        elif f.state in ("skipped", "abandoned"):
            out.append(f"{sid} is {f.state} (its effects, if any, stay): `git migrate repair "
                       f"{sid} --rerun{flag}` to run it again.")  # fmt: skip
        elif f.state in ("pending", "rolled_back"):
            out.append(f"{sid} is {f.state.replace('_', ' ')}: `git migrate apply{flag}`.")
        if f.ledger is not None and f.ledger.checksum != f.step.checksum:
            out.append(f"{sid} changed after it was applied: restore it, or add a new step.")
        out += [f"{sid} {line}" for line in f.description.follow_ups]
        if f.description.cleanup and f.state == "applied":
            out.append(f"{sid}: once the data is signed off, {f.description.cleanup} with "
                       f"`git migrate cleanup {model.migration.name}{flag}` (the step is then "
                       "irreversible).")  # fmt: skip
    if model.live is not None:
        errors = [x for x in model.live.verify_findings if x[1] == "error"]
        if errors:
            out.append(f"{len(errors)} verify error(s) above: investigate before sign-off.")
        if model.live.drift:
            out.append("Schema drift above: find who changed the target outside the migration.")
    else:
        out.append("Regenerate with `--target` for the ledger, verify and drift results.")
    return ["## Recommendations and follow-ups", ""] + [f"- {line}" for line in out] + [""]
