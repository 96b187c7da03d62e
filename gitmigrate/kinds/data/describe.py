"""A data step described for plan, review, the artifacts and the pre-push hook: its one
operation, how its rollback restores (before-images, or removing what a copy inserted), its
checks, the options a reviewer reads and the scripts it can be written as.

`note["live"]` holds what `probe` read from a target: the spec with the table's real names and
key, the rows the filter matches now, or why either could not be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.data.naming import backup_table_name, copy_record_table_name
from gitmigrate.data.options import options_of
from gitmigrate.data.spec import DataSpec, data_spec, probe
from gitmigrate.engine.description import (
    DATABASE,
    Description,
    Operation,
    Risk,
    Scripts,
    verify_words,
)
from gitmigrate.kinds.data.trigger_words import not_exact, rollback_words
from gitmigrate.schema.lock_levels import blocking, lock_level

_CHUNKS = (
    "Data steps run in keyset chunks; each chunk commits with its checkpoint, so an "
    "interrupted run resumes where it stopped (`git migrate resume`)."
)


def describe_data(step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
    if step.options.get("mode") == "subset":
        from gitmigrate.data.subset.note import describe_subset

        return describe_subset(step, options_of(step.id, step.options))
    declared = data_spec(step)
    live = note.get("live") or {}
    spec: DataSpec = live.get("spec") or declared
    options = options_of(step.id, step.options)
    operation = _operation(step, declared, dialect)
    backup = backup_table_name(step.id)
    return Description(
        kind=step.kind,
        what=f"rewrites rows in keyset chunks (mode {declared.mode})",
        runs_in=DATABASE,
        forward=(operation,),
        backward=(operation,),  # a rollback rewrites the same rows
        rollback=_rollback(step, options.mode, options.backup, rollback_words(step, dialect, live)),
        rollback_missing="keeps no before-images (backup = false)",
        rollback_fix=(
            f"set backup = true under [options] in {step.path}/step.toml, or state why no "
            'rollback can exist: irreversible = "no before-images kept (--no-backup)"'
        ),
        undo="removes what it copied"
        if declared.mode == "copy"
        else f"restores before-images from {backup}",
        undo_detail=(
            "drops the tables it created; deletes the keys recorded in "
            f"{copy_record_table_name(step.id)} from tables that existed"
            if declared.mode == "copy"
            else f"writes the before-images kept in {backup} back ({step.dir_name}.down.sql)"
            + rollback_words(step, dialect, live)
        ),
        loss=_loss(spec),
        restore_check="`git migrate data verify` against a copy taken before",
        verify=verify_words(step),
        verify_expected=True,
        validation=_validation(step),
        chunked=True,
        analysed=True,
        expressions=_expressions(step, dialect),
        destructive_items=_destructive(step),
        details_title="Data step:",
        details=_details(step, spec, live, dialect),
        strategy=(_CHUNKS,),
        risks=(
            Risk(
                "low",
                f"data step ({spec.mode}) commits chunk by chunk",
                "interrupting is safe: `git migrate resume` continues from the last checkpoint",
            ),
            *_trigger_risks(step, dialect, live),
        ),  # fmt: skip
        cleanup=f"drop the before-images in {backup}"
        if spec.backup and spec.mode != "copy"
        else None,
        show_options=True,
        live_problem=live.get("problem"),
        affected_rows=live.get("affected_rows"),
        probe=lambda conn, on: probe(declared, conn, on),
        render=lambda: _render(step, spec, dialect),
    )


def _trigger_risks(step: Step, dialect: str, live: Mapping[str, Any]) -> tuple[Risk, ...]:
    missing = not_exact(step, dialect, live)
    if not missing or not step.options.get("backup", True):
        return ()
    columns = ", ".join(missing["columns"]) or "the columns they set"
    return (
        Risk(
            "medium",
            f"rollback not exact for {columns}: UPDATE trigger(s)"
            f" {', '.join(missing['triggers'])} fire again as the before-images are written back",
            "after a rollback, set those columns by hand if their values matter",
        ),
    )


def _operation(step: Step, spec: DataSpec, dialect: str) -> Operation:
    objects = spec.tables if spec.mode == "copy" else (spec.table,)
    reason = None if spec.backup or spec.mode == "copy" else f"irreversible: {step.irreversible}"
    name = f"DATA {spec.mode.upper()}"
    lock = lock_level(name, dialect)
    return Operation(0, name, objects, reason is not None, reason, lock, blocking(lock))


def _rollback(step: Step, mode: str, backup: bool, triggers: str) -> str | None:
    if not backup:
        return None
    if mode == "copy":
        return (
            "removes what it copied: drops the tables it created, deletes the keys recorded "
            f"in {copy_record_table_name(step.id)} from tables that existed"
        )
    return (
        f"restores the before-images (key + changed columns) kept in {backup_table_name(step.id)}"
        + triggers
    )


def _loss(spec: DataSpec) -> str:
    if spec.mode == "copy":
        return "rows copied in, and any change made to them since, are removed"
    cols = ", ".join(spec.changed_columns) or "the changed columns"
    return (f"writes to {cols} of {spec.table} made after the step are overwritten by the "
            "before-images; rows inserted since keep their values")  # fmt: skip


def _validation(step: Step) -> str:
    if "verify.sql" in step.files:
        return "verify.sql runs inside the step's transaction; a false result rolls it back"
    rules = step.options.get("post_checks")
    if rules:
        return f"its rules file {rules} is checked after the step (by hand: `git migrate data validate`)"
    return "no rules file; compare with a copy taken before: `git migrate data verify`"


def _copy_notes(step: Step, dialect: str) -> list[str]:
    found = step.options.get("copy_notes")
    if not isinstance(found, dict):
        return []
    return [str(n) for n in found.get(dialect, ())]


def _details(
    step: Step, spec: DataSpec, live: Mapping[str, Any], dialect: str
) -> tuple[tuple[str, str], ...]:
    rows = [("mode", spec.mode), ("table", spec.table or ", ".join(spec.tables))]
    if spec.key:
        rows.append(("key", ", ".join(spec.key)))
    for column, expression in spec.assignments:
        rows.append(("set", f"{column} = {expression}"))
    if spec.where:
        rows.append(("where", spec.where))
    if spec.transform:
        rows.append(("transform", spec.transform))
    if spec.source:
        rows.append(("source", spec.source))
    for option in ("pre_checks", "post_checks"):
        if step.options.get(option):
            rows.append((option.replace("_", "-") + " rules", str(step.options[option])))
    if spec.backup and spec.mode != "copy":
        rows.append(("before-images", backup_table_name(step.id)))
    for note in _copy_notes(step, dialect):
        rows.append(("copy", note))
    if live.get("affected_rows") is not None:
        rows.append(("rows matching now", str(live["affected_rows"])))
    if live.get("problem"):
        rows.append(("on the target", str(live["problem"])))
    return tuple(rows)


def _destructive(step: Step) -> tuple[dict[str, Any], ...]:
    """What applying the step loses, as step.toml says it (a review reads no database)."""
    options = step.options
    table = str(options.get("table", "?"))
    found: list[dict[str, Any]] = []
    if options.get("backup", True) is False and options.get("mode", "set") != "copy":
        found.append({"direction": "up", "operation": "UPDATE", "objects": [table],
                      "reason": "rows changed without before-images (backup = false)"})  # fmt: skip
    if options.get("cleanup_source"):
        found.append({"direction": "up", "operation": "DELETE",
                      "objects": [str(options.get("source", "source"))],
                      "reason": "copied rows are deleted from the source (cleanup_source)"})  # fmt: skip
    return tuple(found)


def _quoted(name: str, dialect: str) -> str:
    """Quoted for the parser only (this text is validated, never executed)."""
    mark = "`" if dialect == "mysql" else '"'
    return mark + name.replace(mark, mark * 2) + mark


def _expressions(step: Step, dialect: str) -> tuple[tuple[str, str], ...]:
    """The `set` items and `where` filter, each as the statement it becomes, for the review's
    parser: (label, SQL)."""
    options = step.options
    sets, where, table = options.get("set"), options.get("where"), options.get("table")
    if not isinstance(table, str) or not (sets or where):
        return ()
    items = [str(s) for s in sets] if isinstance(sets, list) else []
    found = [
        (f"[options] set item {i + 1} ({item!r})", f"UPDATE {_quoted(table, dialect)} SET {item}")
        for i, item in enumerate(items)
    ]
    if isinstance(where, str):
        found.append(
            (
                f"[options] where ({where!r})",
                f"SELECT 1 FROM {_quoted(table, dialect)} WHERE {where}",
            )
        )
    return tuple(found)


def _render(step: Step, spec: DataSpec, dialect: str) -> Scripts:
    # the scripts quote names with SQLAlchemy's preparer: loaded when a plan writes them,
    # never by the pre-push hook, which describes steps but writes no script
    from gitmigrate.kinds.data.scripts import data_scripts

    return data_scripts(step, spec, dialect)
