"""Renames the user asked for (`--rename old:new`): validated against both schemas, turned
into RenameTable/RenameColumn operations, and applied to the current schema so the rest of the
diff compares like with like."""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.errors import UsageError
from gitmigrate.schema import ops
from gitmigrate.schema.model import ForeignKey, Index, Schema, Table


def apply_renames(
    current: Schema, desired: Schema, renames: dict[str, str]
) -> tuple[list[ops.Operation], Schema]:
    """Table renames (`{"old": "new"}`) first, then column renames (`{"t.old": "t.new"}`)."""
    fold = current.key
    out: list[ops.Operation] = []
    table_renames = {o: n for o, n in renames.items() if "." not in o and "." not in n}
    column_renames = {o: n for o, n in renames.items() if (o, n) not in table_renames.items()}
    for old, new in sorted(table_renames.items()):
        table = current.table(old)
        if table is None:
            raise _missing("table", old, "the current schema")
        if desired.table(new) is None:
            raise _missing("table", new, "the desired schema")
        if current.table(new) is not None:
            raise UsageError(f"cannot rename {old} to {new}: table {new} exists already")
        out.append(ops.RenameTable(table.name, new))
        current = _rename_table(current, table.name, new)
    for old, new in sorted(column_renames.items()):
        if "." not in old or "." not in new:
            raise UsageError(
                f"--rename {old}:{new} mixes a table and a column",
                "write tables as old:new and columns as table.old:table.new",
            )
        old_table, old_col = old.rsplit(".", 1)
        new_table, new_col = new.rsplit(".", 1)
        table = current.table(new_table) or current.table(old_table)
        if table is None or table.column(old_col) is None:
            raise _missing("column", old, "the current schema")
        wanted = desired.table(new_table)
        if wanted is None or not any(fold(c.name) == fold(new_col) for c in wanted.columns):
            raise _missing("column", new, "the desired schema")
        column = next(c for c in table.columns if fold(c.name) == fold(old_col))
        out.append(ops.RenameColumn(table.name, column.name, new_col))
        current = _rename_column(current, table.name, column.name, new_col)
    return out, current


def _missing(what: str, name: str, where: str) -> UsageError:
    return UsageError(
        f"--rename names {what} {name}, which is not in {where}",
        "write --rename old:new with the old name from the source and the new one from --to",
    )


def _rename_table(schema: Schema, old: str, new: str) -> Schema:
    def fix_fk(fk: ForeignKey) -> ForeignKey:
        return replace(fk, ref_table=new) if fk.ref_table == old else fk

    tables = []
    for table in schema.tables:
        if table.name == old:
            table = replace(table, name=new)
        tables.append(replace(table, foreign_keys=tuple(fix_fk(f) for f in table.foreign_keys)))
    sequences = tuple(
        replace(s, owned_by=f"{new}.{s.owned_by.rpartition('.')[2]}")
        if s.owned_by is not None and s.owned_by.rpartition(".")[0] == old
        else s
        for s in schema.sequences
    )
    return replace(schema, tables=tuple(tables), sequences=sequences)


def _rename_column(schema: Schema, table_name: str, old: str, new: str) -> Schema:
    def names(columns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if c == old else c for c in columns)

    def fix_index(index: Index) -> Index:
        return index if index.expressions else replace(index, columns=names(index.columns))

    tables: list[Table] = []
    for table in schema.tables:
        fks = tuple(
            replace(fk, ref_columns=names(fk.ref_columns)) if fk.ref_table == table_name else fk
            for fk in table.foreign_keys
        )
        table = replace(table, foreign_keys=fks)
        if table.name == table_name:
            table = replace(
                table,
                columns=tuple(replace(c, name=new) if c.name == old else c for c in table.columns),
                primary_key=replace(table.primary_key, columns=names(table.primary_key.columns))
                if table.primary_key
                else None,
                indexes=tuple(fix_index(i) for i in table.indexes),
                unique_constraints=tuple(
                    replace(u, columns=names(u.columns)) for u in table.unique_constraints
                ),
                foreign_keys=tuple(replace(f, columns=names(f.columns)) for f in fks),
            )
        tables.append(table)
    sequences = tuple(
        replace(s, owned_by=f"{table_name}.{new}") if s.owned_by == f"{table_name}.{old}" else s
        for s in schema.sequences
    )
    return replace(schema, tables=tuple(tables), sequences=sequences)
