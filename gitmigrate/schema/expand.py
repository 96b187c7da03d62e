"""Expand/contract plans for `schema diff --online`: a column rename or type change becomes
add new column -> backfill -> switch the application -> drop the old column, so no release
ever sees a column vanish or change type under it.

Pure planning, on schemas: the *expanded* schema is the desired one with each moved column
added nullable, without default or constraints, next to the old column (kept as it is, with its
indexes and constraints). Expand is the diff source -> expanded; contract is the diff expanded
-> desired, done as "drop the old column" then "finish the new one" (a type change's new column
is built under a temporary name and renamed into place). `expand_commit.py` renders and commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from gitmigrate.errors import UsageError
from gitmigrate.schema import ops
from gitmigrate.schema.diff import MigrationPlan, diff_schemas
from gitmigrate.schema.diff_renames import apply_renames
from gitmigrate.schema.model import Column, Schema, Table
from gitmigrate.schema.types import equivalent_types


@dataclass(frozen=True)
class Move:
    """One column moved by expand/contract, in `table` (the desired table name).

    `old`: the source column. `new`: its desired definition. `temp`: the new column's name
    while both exist (the desired name for a rename, `<name>_new` for a type change)."""

    table: str
    old: Column
    new: Column
    temp: str

    @property
    def retyped(self) -> bool:
        return self.old.type != self.new.type

    @property
    def renamed(self) -> bool:
        return self.temp == self.new.name


@dataclass(frozen=True)
class ExpandContract:
    moves: tuple[Move, ...]
    expand: MigrationPlan
    contract: MigrationPlan
    keys: Mapping[str, tuple[str, ...]]  # table -> primary key columns (for the backfill)


def plan_expand_contract(
    current: Schema, desired: Schema, renames: Mapping[str, str]
) -> ExpandContract | None:
    """The expand/contract plan, or None when no column is renamed or changes type."""
    _, renamed = apply_renames(current, desired, dict(renames))  # validates --rename
    moves = _moves(current, renamed, desired, renames)
    if not moves:
        return None
    expanded, without_old = desired, desired
    for move, source in moves:
        _check_movable(desired, renamed, move)
        expanded = _with_table(expanded, _expand_table(expanded, source, move))
        without_old = _with_table(without_old, _drop_old(without_old, move))
    column_renames = {o: n for o, n in renames.items() if "." in o and "." in n}
    other_renames = {o: n for o, n in renames.items() if o not in column_renames}
    expand = diff_schemas(current, expanded, renames=other_renames, online=True)
    first = diff_schemas(expanded, without_old, online=True)
    first = replace(first, operations=tuple(
        _restoring(op, [m for m, _ in moves], current.dialect) for op in first.operations
    ))  # fmt: skip
    into_place = {f"{m.table}.{m.temp}": f"{m.table}.{m.new.name}"
                  for m, _ in moves if not m.renamed}  # fmt: skip
    second = diff_schemas(without_old, desired, renames=into_place, online=True)
    contract = MigrationPlan(
        first.operations + second.operations, (), True, first.user_types | second.user_types
    )
    keys = {}
    for move, _ in moves:
        table = desired.table(move.table)
        keys[move.table] = table.primary_key.columns if table and table.primary_key else ()
    return ExpandContract(tuple(m for m, _ in moves), expand, contract, keys)


def _moves(
    current: Schema, renamed: Schema, desired: Schema, renames: Mapping[str, str]
) -> list[tuple[Move, Table]]:
    """Each moved column with the source table its old indexes and constraints come from."""
    fold = current.key
    found: list[tuple[Move, Table]] = []
    for old_spec, new_spec in sorted(renames.items()):
        if "." not in old_spec or "." not in new_spec:
            continue
        old_table, old_name = old_spec.rsplit(".", 1)
        table_name, new_name = new_spec.rsplit(".", 1)
        want, have = desired.table(table_name), renamed.table(table_name)
        source = current.table(old_table) or have
        assert want is not None and have is not None and source is not None  # apply_renames
        new = next(c for c in want.columns if fold(c.name) == fold(new_name))
        old = next(c for c in source.columns if fold(c.name) == fold(old_name))
        found.append((Move(want.name, old, new, new.name), source))
    moved = {(fold(m.table), fold(m.new.name)) for m, _ in found}
    for want in desired.tables:
        have = renamed.table(want.name)
        if have is None:
            continue
        names = {fold(c.name) for c in want.columns}
        for new in want.columns:
            same = next((c for c in have.columns if fold(c.name) == fold(new.name)), None)
            if (
                same is None
                or equivalent_types(same.type, new.type, desired.dialect)
                or (fold(want.name), fold(new.name)) in moved
            ):
                continue
            temp = f"{new.name}_new"
            while fold(temp) in names:
                temp += "_"
            found.append((Move(want.name, same, new, temp), have))
    return found


def restore_sql(moves: list[Move], dialect: str) -> str:
    """Copy the new column's values back into the old one (the contract's rollback)."""
    from gitmigrate.schema.render import quote

    def value(m: Move) -> str:
        new = quote(m.temp, dialect)
        return f"CAST({new} AS {m.old.type})" if m.retyped and dialect != "mysql" else new

    sets = ", ".join(f"{quote(m.old.name, dialect)} = {value(m)}" for m in moves)
    return f"UPDATE {quote(moves[0].table, dialect)} SET {sets}"


def _loosen(column: Column) -> Column:
    return replace(column, nullable=True, default=None, identity=False)


def _restoring(op: ops.Operation, moves: list[Move], dialect: str) -> ops.Operation:
    """A drop of old columns whose undo brings them back with the new columns' values: re-add
    them nullable, copy, then restore NOT NULL/default (a plain re-add of a NOT NULL column
    fails on a table with rows, and would lose the values)."""
    if isinstance(op, ops.DropColumn):
        mine = [m for m in moves if m.table == op.table and m.old.name == op.column.name]
        if not mine:
            return op
        loose = _loosen(op.column)
        undo: list[ops.Operation] = [
            ops.AddColumn(op.table, loose),
            ops.Statement(restore_sql(mine, dialect)),
        ]
        if loose != op.column:
            undo.append(ops.AlterColumn(op.table, loose, op.column))
        return ops.Composite((op,), tuple(undo))
    if isinstance(op, ops.RebuildTable):
        kept = {c.name for c in op.new.columns}
        mine = [m for m in moves if m.table == op.new.name and m.old.name not in kept
                and op.old.column(m.old.name) is not None]  # fmt: skip
        if not mine:
            return op
        names = {m.old.name for m in mine}
        relaxed = replace(op.old, columns=tuple(_loosen(c) if c.name in names else c
                                              for c in op.old.columns))  # fmt: skip
        relaxed = _uses_none(relaxed, names)
        return ops.Composite((op,), (
            ops.RebuildTable(op.new, relaxed), ops.Statement(restore_sql(mine, dialect)),
            ops.RebuildTable(relaxed, op.old),
        ))  # fmt: skip
    return op


def _uses_none(table: Table, columns: set[str]) -> Table:
    for column in columns:
        table = _uses(table, column)
    return table


def _mentions(text: str, column: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(column)}(?![\w$])", text, re.IGNORECASE) is not None


def _uses(table: Table, column: str) -> Table:
    """`table` without the indexes and constraints that involve `column`."""
    return replace(
        table,
        indexes=tuple(i for i in table.indexes if not any(_mentions(c, column) for c in i.columns)),
        unique_constraints=tuple(u for u in table.unique_constraints
                                 if not any(_mentions(c, column) for c in u.columns)),
        foreign_keys=tuple(f for f in table.foreign_keys
                           if not any(_mentions(c, column) for c in f.columns)),
        checks=tuple(c for c in table.checks if not _mentions(c.expression, column)),
    )  # fmt: skip


def _relaxed(move: Move) -> Column:
    """The new column as expand adds it: nullable, no default, no identity."""
    return replace(move.new, name=move.temp, nullable=True, default=None, identity=False)


def _expand_table(schema: Schema, source: Table, move: Move) -> Table:
    table = schema.table(move.table)
    assert table is not None
    base = _uses(table, move.new.name)
    kept = _only(source, move.old.name)
    columns = [c for c in base.columns if c.name != move.new.name]
    at = next(i for i, c in enumerate(table.columns) if c.name == move.new.name)
    columns.insert(at, move.old)
    columns.append(_relaxed(move))
    names = {i.name for i in kept.indexes}
    return replace(
        base,
        columns=tuple(columns),
        indexes=tuple(i for i in base.indexes if i.name not in names) + kept.indexes,
        unique_constraints=base.unique_constraints + kept.unique_constraints,
        foreign_keys=base.foreign_keys + kept.foreign_keys,
        checks=base.checks + kept.checks,
    )


def _drop_old(schema: Schema, move: Move) -> Table:
    table = schema.table(move.table)
    assert table is not None
    base = _uses(table, move.new.name)
    columns = [c for c in base.columns if c.name != move.new.name] + [_relaxed(move)]
    return replace(base, columns=tuple(columns))


def _only(table: Table, column: str) -> Table:
    """The indexes and constraints of `table` that involve `column` (and nothing else)."""
    rest = _uses(table, column)
    return replace(
        table,
        columns=(),
        indexes=tuple(i for i in table.indexes if i not in rest.indexes),
        unique_constraints=tuple(u for u in table.unique_constraints
                                 if u not in rest.unique_constraints),
        foreign_keys=tuple(f for f in table.foreign_keys if f not in rest.foreign_keys),
        checks=tuple(c for c in table.checks if c not in rest.checks),
    )  # fmt: skip


def _with_table(schema: Schema, table: Table) -> Schema:
    tables = tuple(table if schema.key(t.name) == schema.key(table.name) else t
                   for t in schema.tables)  # fmt: skip
    return replace(schema, tables=tables)


def _check_movable(desired: Schema, source: Schema, move: Move) -> None:
    """Key columns and columns other tables reference cannot be moved this way."""
    where = f"{move.table}.{move.new.name}"
    for schema in (desired, source):
        table = schema.table(move.table)
        pk = table.primary_key if table else None
        if pk and any(schema.key(c) in (schema.key(move.old.name), schema.key(move.new.name))
                      for c in pk.columns):  # fmt: skip
            raise UsageError(
                f"--online cannot expand/contract {where}: it is part of the primary key",
                "change it without --online, in a maintenance window",
            )
        for other in schema.tables:
            for fk in other.foreign_keys:
                if schema.key(fk.ref_table) == schema.key(move.table) and any(
                    schema.key(c) in (schema.key(move.old.name), schema.key(move.new.name))
                    for c in fk.ref_columns
                ):
                    raise UsageError(
                        f"--online cannot expand/contract {where}: foreign key "
                        f"{fk.name or '(unnamed)'} of {other.name} references it",
                        "drop or move the foreign key in an earlier step, then run the diff",
                    )
