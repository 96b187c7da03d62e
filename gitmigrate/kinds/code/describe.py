"""A code step in words for plan, review and the artifacts: diff stats, rules applied and the
cases flagged for manual review (from its findings.json) as the plan's details table; scripts
for `migration-scripts/` that need only git (engine/commit_steps.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.commit_steps import commit_description
from gitmigrate.engine.description import Description
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
    verify = "the changed files still parse"
    if options.verify_command:
        verify += (
            f"; `{options.verify_command}` runs only with apply --run-verify (or when confirmed)"
        )
    return commit_description(
        step, operation, objects,
        what=what(options, record),
        verify=verify,
        restore_check="verify checks the files parse; rollback restores them byte for byte",
        details_title="Code changes (recipe findings):",
        details=details(options, record) or (("(no findings recorded)", what(options, record)),),
        strategy=tuple(
            f"manual review: {f.where()} {f.rule}: {f.message}" for f in record.flagged[:ROWS]
        ),
    )  # fmt: skip
