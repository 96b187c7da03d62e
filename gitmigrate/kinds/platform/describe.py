"""A platform step in words for plan, review and the artifacts: what was generated, what was
dropped and why, what needs a person (from its findings.json); scripts that need only git
(`git apply` of the step commit, engine/commit_steps.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.commit_steps import commit_description
from gitmigrate.engine.description import Description, Risk
from gitmigrate.kinds.platform.options import COMPOSE, PlatformOptions, options_of
from gitmigrate.kinds.platform.record import Recorded, recorded

ROWS = 50  # rows per section of the details table; the rest is counted
PERSON = (
    "data and state do not move with this step: copy data with a data step, move secrets and"
    " settings with env/config steps, and import or recreate cloud state (terraform import)"
)


def what(options: PlatformOptions, record: Recorded) -> str:
    if options.op == COMPOSE:
        text = (f"converts {', '.join(options.inputs)} to {len(record.resources)} Kubernetes"
                f" object(s) in {len(options.outputs)} file(s) under {options.out}/")  # fmt: skip
        if record.dropped:
            text += f", {len(record.dropped)} Compose key(s) dropped (each with why)"
        return text
    text = (f"rewrites Terraform under {options.path} from {options.source} to {options.target}:"
            f" {len(record.converted)} resource(s) converted in {len(options.outputs)} file(s)")  # fmt: skip
    if record.untouched_blocks is not None:
        text += f", {record.untouched_blocks} block(s) left byte-identical"
    if record.needs_person:
        text += f", {len(record.needs_person)} item(s) need a person"
    return text


def _section(rows: list[tuple[str, str]], items: list[tuple[str, str]], more: str) -> None:
    rows.extend(items[:ROWS])
    if len(items) > ROWS:
        rows.append(("...", f"and {len(items) - ROWS} more {more}"))


def details(options: PlatformOptions, record: Recorded) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    created = set(record.created)
    _section(rows, [(p, "generated (new)" if p in created else "rewritten")
                    for p in options.outputs], "file(s)")  # fmt: skip
    _section(rows, [(r, "generated") for r in record.resources], "object(s)")
    _section(rows, [(c, "converted") for c in record.converted], "conversion(s)")
    _section(rows, [(f"DROPPED {d.key}", f"{d.where}: {d.reason}" if d.where else d.reason)
                    for d in record.dropped], "dropped key(s)")  # fmt: skip
    _section(rows, [("note", n) for n in record.notes], "note(s)")
    _section(rows, [("NEEDS A PERSON", n) for n in record.needs_person], "item(s)")
    return tuple(rows)


def describe_platform(step: Step, dialect: str | None, note: Mapping[str, Any]) -> Description:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    record = recorded(step)
    risks: list[Risk] = []
    if record.needs_person:
        risks.append(Risk("high", f"{len(record.needs_person)} item(s) the conversion left for a"
                          f" person: {'; '.join(record.needs_person[:3])}",
                          "handle each by hand in a later step before applying to a cloud"))  # fmt: skip
    if record.dropped:
        risks.append(Risk("medium", f"{len(record.dropped)} Compose key(s) not converted:"
                          f" {', '.join(d.key for d in record.dropped[:5])}",
                          "read each reason; add what the cluster needs by hand"))  # fmt: skip
    verify = (
        "the manifests still hold the step's change and validate (kubernetes-validate, offline)"
        if options.op == COMPOSE
        else f"the .tf files still hold the step's change, parse, and name only {options.target}"
        " resource types and arguments"
    )
    return commit_description(
        step, options.operation, tuple(options.outputs),
        what=what(options, record),
        verify=verify,
        restore_check="verify re-validates the files; rollback restores them byte for byte",
        details_title="Platform changes (generated, dropped, needs a person):",
        details=details(options, record) or (("(nothing recorded)", what(options, record)),),
        strategy=tuple(f"needs a person: {n}" for n in record.needs_person[:ROWS])
        + tuple(f"dropped {d.text()}" for d in record.dropped[:ROWS]),
        risks=tuple(risks),
        follow_ups=(PERSON,),
    )  # fmt: skip
