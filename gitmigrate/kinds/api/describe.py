"""An api step in words for plan, review and the artifacts: what it wrote, and its breaking
changes with how each is handled (mapped by the adapter, waived with the reason, left for a
person), from its findings.json; scripts that need only git (`git apply` of the commit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import TREE, Description, Operation, Risk
from gitmigrate.kinds.api.coverage import step_status
from gitmigrate.kinds.api.options import DEPRECATE, GUIDE, ApiOptions, options_of
from gitmigrate.kinds.api.record import Recorded, recorded
from gitmigrate.kinds.code.describe import code_scripts

ROWS = 50
_STATUS = {"adapter": "mapped by the adapter", "waived": "waived", "manual": "MANUAL: the adapter cannot map it",
           "open": "breaking: no adapter, no waiver"}  # fmt: skip


def what(options: ApiOptions, record: Recorded) -> str:
    if options.command == DEPRECATE:
        target = f"{options.operation}" + (
            f" property {options.property}" if options.property else ""
        )
        return f"deprecates {target} in {options.spec}, sunset {options.sunset}"
    counts = (f"{len(record.breaking)} breaking change(s) of {len(record.changes)}"
              f" from {record.base} to {record.revision}")  # fmt: skip
    if options.command == GUIDE:
        return f"writes the migration guide {', '.join(options.outputs)}: {counts}"
    manual = f", {len(record.manual)} left for a person" if record.manual else ""
    return f"generates an adapter ({len(options.outputs)} file(s)): {counts}{manual}"


def details(step: Step, options: ApiOptions, record: Recorded) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    for change in record.breaking[:ROWS]:
        rows.append((change.key, f"{_STATUS[step_status(step, change)]}: {change.text}"))
    if len(record.breaking) > ROWS:
        rows.append(("...", f"and {len(record.breaking) - ROWS} more breaking change(s)"))
    warnings = [c for c in record.changes if c.level == "warning"]
    if warnings:
        rows.append(("potentially breaking (WARN)", str(len(warnings))))
    if options.waive:
        rows.append(("waiver reason", options.reason or ""))
    if options.command == DEPRECATE and record.deprecated:
        shared = " (a shared component: every operation using it)" \
            if record.deprecated.get("shared") == "yes" else ""  # fmt: skip
        rows.append(
            (record.deprecated.get("where", ""), f"deprecated, sunset {options.sunset}{shared}")
        )
    for path in options.outputs[:ROWS]:
        rows.append((path, "written by the step"))
    return tuple(rows)


def describe_api(step: Step, dialect: str | None, note: Mapping[str, Any]) -> Description:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    record = recorded(step)
    operation = f"API {options.command.upper()}"
    objects = tuple(options.outputs)
    open_ = [c for c in record.breaking if step_status(step, c) in ("open", "manual")]
    risks: tuple[Risk, ...] = ()
    if open_:
        risks = (Risk("high", f"{len(open_)} breaking API change(s) without adapter or waiver:"
                      f" {', '.join(c.key for c in open_[:5])}",
                      "add `git migrate api adapter`, or waive each with a reason, and tell the"
                      " consumers (`git migrate api notices`)"),)  # fmt: skip
    rollback = "the inverse of the step commit's diff (the engine commits it)"
    verify = "the written files still hold the step's change"
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
        restore_check="verify checks the files; rollback restores them byte for byte",
        verify=verify,
        verify_expected=False,
        validation=f"verify checks that {verify}",
        details_title="API changes:",
        details=details(step, options, record) or (("(nothing recorded)", what(options, record)),),
        strategy=tuple(f"breaking: {c.key}: {c.text}" for c in open_[:ROWS]),
        risks=risks,
        follow_ups=(
            (
                "send the consumers their notices: git migrate api notices"
                f" {record.base} {record.revision}",
            )
            if record.breaking
            else ()
        ),  # fmt: skip
        show_options=True,
        render=lambda: code_scripts(step),
    )
