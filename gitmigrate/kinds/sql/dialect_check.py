"""Whether a SQL step may run on a target: its scripts are written for one dialect (step.toml
`dialect`, recorded by `add sql`), and run elsewhere they fail, often only on the way back
(a rollback in another dialect's syntax). `dialect = "any"` claims portable SQL, which must
then parse for the target's dialect."""

from __future__ import annotations

import tomllib

from gitmigrate.core.kindlookup import Problem
from gitmigrate.core.model import Step
from gitmigrate.errors import GitMigrateError, UsageError
from gitmigrate.sql.dialects import ANY_DIALECT, DIALECTS, normalize_dialect
from gitmigrate.sql.parse import validate_sql

SCRIPTS = ("up.sql", "down.sql", "verify.sql")


def claimed_dialect(step: Step) -> str | None:
    """The step's `dialect` (normalized, or "any"); None when step.toml names none (a step
    written by hand or before dialects were recorded: nothing to compare)."""
    try:
        meta = tomllib.loads((step.files.get("step.toml") or b"").decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the step reader reports a broken step.toml
    raw = meta.get("dialect")
    if not isinstance(raw, str) or not raw.strip():
        return None
    if raw.strip().lower() == ANY_DIALECT:
        return ANY_DIALECT
    try:
        return normalize_dialect(raw)
    except UsageError:
        return raw.strip()  # unknown: it differs from every target's


def target_problems(step: Step, dialect: str) -> list[Problem]:
    """Problems running `step` on a target of `dialect` would meet (one line each)."""
    if dialect not in DIALECTS:
        return []  # not a database target: nothing to compare
    claimed = claimed_dialect(step)
    if claimed is None or claimed == dialect:
        return []
    if claimed != ANY_DIALECT:
        return [
            Problem(
                f"step {step.id} is written for {claimed} but the target is {dialect}",
                f'rewrite its SQL for {dialect} (set dialect = "{dialect}" in'
                f' {step.path}/step.toml), or, if it is portable, set dialect = "any"',
            )
        ]
    for name in SCRIPTS:
        text = step.text(name)
        if text is None:
            continue
        try:
            validate_sql(text, dialect, f"{step.path}/{name}", strict=True)
        except GitMigrateError as exc:  # SqlParseError, or a script without a statement
            return [
                Problem(
                    f'step {step.id} says dialect = "any" but its SQL does not parse for'
                    f" {dialect}: {exc.message.splitlines()[0]}",
                    f"make {step.path}/{name} portable, or write it for {dialect}"
                    f' (dialect = "{dialect}" in {step.path}/step.toml)',
                )
            ]
    return []
