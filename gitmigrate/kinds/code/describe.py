"""A code step in words for plan, review and the artifacts: diff stats, rules applied and the
cases flagged for manual review (from its findings.json) as the plan's details table; scripts
for `migration-scripts/` that need only git (`git apply` of the step commit's diff)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.engine.description import TREE, Description, Operation, Script, Scripts, script_head
from gitmigrate.kinds.code.options import STEP, CodeOptions, options_of
from gitmigrate.kinds.code.record import Recorded, recorded

ROWS = 50  # rows per section of the details table; the rest is counted


def what(options: CodeOptions, record: Recorded) -> str:
    added, removed = record.stats()
    source = " (the step's own recipe.py)" if options.source == STEP else ""
    text = (
        f"runs the {options.recipe} recipe{source}: {len(record.changed)} file(s) changed"
        f" (+{added} -{removed}), {record.rewrites} rewrite(s)"
    )
    if record.flagged:
        text += f", {len(record.flagged)} case(s) for manual review"
    return text


def details(options: CodeOptions, record: Recorded) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    for path, (added, removed) in sorted(record.changed.items())[:ROWS]:
        rows.append((path, f"+{added} -{removed}"))
    if len(record.changed) > ROWS:
        rows.append(("...", f"and {len(record.changed) - ROWS} more file(s)"))
    for rule, count in sorted(record.applied.items()):
        rows.append((f"rule {rule}", f"{count} rewrite(s)"))
    for finding in record.flagged[:ROWS]:
        rows.append((f"{finding.path}:{finding.line}", f"REVIEW {finding.rule}: {finding.message}"))
    if len(record.flagged) > ROWS:
        rows.append(("...", f"and {len(record.flagged) - ROWS} more case(s) for review"))
    for path, why in record.skipped[:ROWS]:
        rows.append((path, f"skipped: {why}"))
    if options.verify_command:
        rows.append(
            ("verify command", f"{options.verify_command}: {options.verify_outcome or 'not run'}")
        )
    return tuple(rows)


def describe_code(step: Step, dialect: str | None, note: Mapping[str, Any]) -> Description:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    record = recorded(step)
    objects = tuple(sorted(record.changed))
    operation = f"CODE {options.recipe.upper()}"
    rollback = "the inverse of the step commit's diff (the engine commits it)"
    verify = "the changed files still parse"
    if options.verify_command:
        verify += (
            f"; `{options.verify_command}` runs only with apply --run-verify (or when confirmed)"
        )
    return Description(
        kind=step.kind,
        what=what(options, record),
        runs_in=TREE,
        forward=(Operation(1, operation, objects, False, None, "none"),),
        backward=(Operation(1, operation, objects, False, None, "none"),),
        rollback=rollback,
        undo="by the engine (inverse commit)",
        undo_detail=rollback + "; a conflict with later edits is reported, never resolved",
        loss="none: the rollback restores every byte",
        restore_check="verify checks the files parse; rollback restores them byte for byte",
        verify=verify,
        verify_expected=False,
        validation=f"verify checks that {verify}",
        details_title="Code changes (recipe findings):",
        details=details(options, record) or (("(no findings recorded)", what(options, record)),),
        strategy=tuple(
            f"manual review: {f.where()} {f.rule}: {f.message}" for f in record.flagged[:ROWS]
        ),
        show_options=True,
        render=lambda: code_scripts(step),
    )


def code_scripts(step: Step) -> Scripts:
    """`up.sh` / `down.sh`: `git apply` of the step commit's diff (outside migrations/) and its
    reverse, or the tool when the commit is not known."""
    if not step.commit:
        up = (
            script_head(step, "apply", "#")
            + "set -eu\n"
            + (f"git migrate apply --migration {step.migration} --to {step.seq:03d}\n")
        )
        down = script_head(step, "rollback", "#") + "set -eu\n" + (
            f"git migrate rollback --migration {step.migration} --to {step.seq - 1:03d}\n"
            if step.seq > 1 else f"git migrate rollback --migration {step.migration} --all\n"
        )  # fmt: skip
    else:
        diff = f"git diff --binary {step.commit}^ {step.commit} -- . ':(exclude){MIGRATIONS_DIR}'"
        up = script_head(step, "apply: the step commit's change (run at the repository root)", "#")
        up += f"set -eu\n{diff} | git apply --index\n"
        down = script_head(step, "rollback: the inverse of the step commit's change", "#")
        down += f"set -eu\n{diff} | git apply --index -R\n"
    files = (
        Script("up", "up.sh", "#!/bin/sh\n" + up),
        Script("down", "down.sh", "#!/bin/sh\n" + down),
    )
    return Scripts(files, runnable=False, statements=1)
