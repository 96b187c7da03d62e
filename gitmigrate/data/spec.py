"""A data step's options read for plan and review: which table, which key, which columns
change.

Names are as written in step.toml until `resolve` matches them against a live target (its
real spelling and, when step.toml names none, its primary key), as the executor does at apply.
`probe` reads those facts, and the rows the step would change, from a live target.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.data.options import options_of
from gitmigrate.errors import GitMigrateError


@dataclass(frozen=True)
class DataSpec:
    mode: str  # set | transform | copy
    table: str
    key: tuple[str, ...]
    assignments: tuple[tuple[str, str], ...]  # mode set: (column, SQL expression)
    where: str | None
    backup: bool
    columns: tuple[str, ...] = ()  # mode transform: the columns the function may change
    transform: str | None = None
    source: str | None = None
    tables: tuple[str, ...] = ()
    key_resolved: bool = False  # matched against a live target

    @property
    def changed_columns(self) -> tuple[str, ...]:
        if self.mode == "set":
            return tuple(dict.fromkeys(col for col, _ in self.assignments))
        return self.columns

    @property
    def sql_expressible(self) -> bool:
        """Only mode set is one UPDATE; transform runs Python and copy reads another database."""
        return self.mode == "set" and bool(self.table) and bool(self.assignments)


def data_spec(step: Step) -> DataSpec:
    """The step's options, parsed by the data package's own reader (one reading for both)."""
    options = options_of(step.id, step.options)
    return DataSpec(
        mode=options.mode,
        table=options.table or "",
        key=options.key,
        assignments=options.assignments,
        where=options.where,
        backup=options.backup and not step.irreversible,
        columns=options.columns,
        transform=options.transform,
        source=options.source,
        tables=options.tables,
    )


def resolve(spec: DataSpec, conn: Any, dialect: str) -> DataSpec:
    """The spec with the live table's spelling of names, and its key found when not given."""
    # SQLAlchemy (reflection) is loaded only when a target is read, not when a step is described
    from gitmigrate.data.table import load_table

    table = load_table(conn, dialect, spec.table, spec.key or None)
    assignments = tuple((table.column(c), e) for c, e in spec.assignments)
    columns = tuple(table.column(c) for c in spec.columns)
    return replace(
        spec,
        table=table.name,
        key=table.key,
        assignments=assignments,
        columns=columns,
        key_resolved=True,
    )


def probe(spec: DataSpec, conn: Any, dialect: str) -> dict[str, Any]:
    """Read-only: the spec resolved on the target (`spec`), the rows its filter matches now
    (`affected_rows`), or why either could not be read (`problem`)."""
    from gitmigrate.schema.render import quote

    if spec.mode == "copy" or not spec.table:
        return {}
    try:
        resolved = resolve(spec, conn, dialect)
    except GitMigrateError as exc:
        return {"problem": exc.message}
    where = f" WHERE {spec.where}" if spec.where else ""
    try:
        count = conn.exec_driver_sql(
            f"SELECT count(*) FROM {quote(resolved.table, dialect)}{where}"
        ).scalar()
    except Exception as exc:  # noqa: BLE001 - a filter that does not run is a finding
        return {
            "spec": resolved,
            "problem": f"its row filter does not run: {str(exc).splitlines()[0]}",
        }
    from gitmigrate.data.triggers import as_record, restore_silences, update_triggers

    triggers = as_record(update_triggers(conn, dialect, resolved.table or ""))
    found: dict[str, Any] = {"spec": resolved, "affected_rows": int(count or 0)}
    if triggers:  # and whether a rollback here could switch them off (PostgreSQL: the owner)
        found["update_triggers"] = triggers
        found["triggers_silenced"] = restore_silences(conn, dialect, resolved.table or "")
    return found
