"""A subset step described for its note, `plan` and `review`, from its files alone (a review
reads no database): the plan stored when it was authored (`subset-plan.json`: tables, rows per
table, where each lands, the keys set after loading, the masking rules by name), and how its
rollback undoes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.data.options import DataOptions
from gitmigrate.data.subset.authoring import PLAN_FILE, read_plan
from gitmigrate.engine.description import DATABASE, Description, Operation, Risk, verify_words

_STRATEGY = (
    "The closure is computed again on the source when the step is applied and its keys are "
    "staged on the target with the plan's checkpoint; rows then load parent tables first, in "
    "keyset chunks, each chunk committed with its checkpoint (`git migrate resume` continues "
    "after the last one, copying no row twice).",
)


def stored_plan(step: Step) -> dict[str, Any]:
    return read_plan(step.text(PLAN_FILE)) or {}


def subset_impact(step: Step, options: DataOptions) -> dict[str, Any]:
    """The note's impact of a subset step: the tables it creates and the rows planned."""
    plan = stored_plan(step)
    tables = plan.get("tables") or []
    return {
        "mode": "subset",
        "objects": [str(t.get("target")) for t in tables] or list(options.roots),
        "rows": plan.get("rows"),
        "rows_source": "the closure computed when the step was written (recomputed at apply)",
        "lock": "new tables only; the source is read in short transactions",
        "batch_size": options.batch_size,
        "before_images": None,
        "destructive": False,
        "reason": None,
        "subset": {
            "source": plan.get("source", options.source),
            "roots": list(options.roots),
            "percent": options.percent,
            "follow": list(options.follow),
            "tables": tables,
            "broken": plan.get("broken", []),
            "masking": plan.get("masking", []),
            "mask_key_env": options.mask_key_env if options.mask else None,
        },
    }


def describe_subset(step: Step, options: DataOptions) -> Description:
    plan = stored_plan(step)
    targets = tuple(str(t.get("target")) for t in plan.get("tables") or [])
    operation = Operation(0, "DATA SUBSET", targets, False, None, "none (new tables)")
    undo = "drops the tables it created, its staging table and the schemas it created"
    return Description(
        kind=step.kind,
        what=f"copies a foreign-key-closed subset of {options.source} ({plan.get('rows', '?')}"
        " rows planned)",
        runs_in=DATABASE,
        forward=(operation,),
        backward=(operation,),
        rollback=undo,
        undo="drops what it created",
        undo_detail=undo,
        loss="the subset's tables, and any change made to them since, are dropped",
        restore_check="the tables it created are gone",
        verify=verify_words(step),
        verify_expected=False,
        validation="foreign keys are enforced while loading; rows per table must equal the plan"
        " (SQLite: PRAGMA foreign_key_check must be clean)",
        chunked=True,
        details_title="Subset:",
        details=subset_details(options, plan),
        strategy=_STRATEGY,
        risks=_risks(options),
        show_options=True,
    )


def subset_details(options: DataOptions, plan: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = [("mode", "subset"), ("source", str(options.source))]
    rows += [("root", r) for r in options.roots]
    if options.percent is not None:
        rows.append(("percent", f"{options.percent:g}"))
    if options.follow:
        rows.append(("follow children of", ", ".join(options.follow)))
    for table in plan.get("tables") or []:
        where = f" -> {table['target']}" if table.get("target") != table.get("source") else ""
        rows.append((f"table {table.get('source')}", f"{table.get('rows')} rows{where}"))
    if plan.get("rows") is not None:
        rows.append(("rows planned", str(plan["rows"])))
    for edge in plan.get("broken") or []:
        rows.append(("set after loading", str(edge)))
    for rule in plan.get("masking") or []:
        rows.append(("masked", str(rule)))
    if options.mask:
        rows.append(("masking key from", f"${options.mask_key_env}"))
    return tuple(rows)


def _risks(options: DataOptions) -> tuple[Risk, ...]:
    found = [
        Risk(
            "low",
            "the subset commits chunk by chunk",
            "interrupting is safe: `git migrate resume` continues from the last checkpoint",
        )
    ]
    if not options.mask:
        found.append(
            Risk(
                "medium",
                "no masking rules: the target gets the source's values as they are",
                "pass --mask rules.toml when the source holds personal data",
            )
        )
    return tuple(found)
