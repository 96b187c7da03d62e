"""SQLite DDL, and the table rebuild for the changes SQLite's ALTER TABLE lacks (a column's
type, nullability or default; adding or dropping a constraint; dropping a constrained column).

The rebuild runs inside the step's transaction, where `PRAGMA foreign_keys` cannot change, so
foreign keys stay on and are deferred to the commit instead (`PRAGMA defer_foreign_keys`):

    PRAGMA defer_foreign_keys = ON
    CREATE TABLE "_gm_old_t" AS SELECT * FROM "t"     -- keep the rows aside
    DROP TABLE "t"                                      -- with its indexes and triggers
    CREATE TABLE "t" (... the new definition ...)
    INSERT INTO "t" (common columns) SELECT common columns FROM "_gm_old_t"
    DROP TABLE "_gm_old_t"
    CREATE INDEX ...                                    -- the new table's indexes
    PRAGMA foreign_key_check("t")

This differs from SQLite's documented "create _new, copy, drop, rename" order on purpose: with
foreign keys on, dropping a referenced table counts a deferred violation per referencing row
that only re-inserting rows into a table of that name clears; a rename does not, so the commit
would fail. Re-creating the table under its own name keeps every REFERENCES clause and view
that names it valid, and the commit still checks every foreign key.
"""

from __future__ import annotations

from gitmigrate.schema import ops
from gitmigrate.schema.model import Table
from gitmigrate.schema.render import (
    DIALECTS,
    POSTGRES_ONLY,
    create_index,
    create_table,
    quote,
    quote_list,
    render_common,
    unsupported,
)

LITE = "sqlite"


def q(name: str) -> str:
    return quote(name, LITE)


def rebuild_table(old: Table, new: Table) -> list[str]:
    """The statements that turn table `old` into `new`, keeping the rows of common columns."""
    keep = f"_gm_old_{new.name}"
    common = tuple(
        c.name
        for c in new.columns
        if c.generated is None
        and (previous := old.column(c.name)) is not None
        and previous.generated is None
    )
    statements = [
        "PRAGMA defer_foreign_keys = ON",
        f"CREATE TABLE {q(keep)} AS SELECT * FROM {q(old.name)}",
        f"DROP TABLE {q(old.name)}",
    ]
    created = create_table(new, LITE)
    statements.append(created[0])
    if common:
        columns = quote_list(common, LITE)
        statements.append(f"INSERT INTO {q(new.name)} ({columns}) SELECT {columns} FROM {q(keep)}")
    statements.append(f"DROP TABLE {q(keep)}")
    statements += created[1:]
    statements.append(f"PRAGMA foreign_key_check({q(new.name)})")
    return statements


def render_sqlite(op: ops.Operation) -> list[str]:
    if isinstance(op, POSTGRES_ONLY):
        raise unsupported(op, LITE)
    match op:
        case ops.RebuildTable(old=old, new=new):
            return rebuild_table(old, new)
        case ops.DropIndex(index=index):
            return [f"DROP INDEX {q(index.name)}"]
        case ops.CreateIndex(table=table, index=index):
            return [create_index(table, index, LITE)]
    common = render_common(op, LITE)
    if common is None:
        # the diff turns every other change of an existing table into a RebuildTable
        raise NotImplementedError(f"SQLite has no ALTER for {op!r}; use RebuildTable ({DIALECTS})")
    return common
