"""The operations that turn one existing table into its desired definition.

PostgreSQL and MariaDB/MySQL get one operation per change. SQLite gets ADD/DROP COLUMN and
index operations where its ALTER TABLE can do them, and one `RebuildTable` otherwise.
Foreign keys are returned apart: the plan drops them before and adds them after every table
change, so a referenced column can change type and tables can reference each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from gitmigrate.schema import ops
from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from gitmigrate.schema.render import is_literal

Fold = Callable[[str], str]


@dataclass
class TableDiff:
    operations: list[ops.Operation] = field(default_factory=list)
    drop_fks: list[ForeignKey] = field(default_factory=list)
    add_fks: list[ForeignKey] = field(default_factory=list)
    retyped: set[str] = field(default_factory=set)  # folded names of columns changing type
    shape_changed: bool = False  # columns or the whole table change: views reading it must go

    @property
    def is_empty(self) -> bool:
        return not (self.operations or self.drop_fks or self.add_fks)


def _by_key(columns: tuple[Column, ...], fold: Fold) -> dict[str, Column]:
    return {fold(c.name): c for c in columns}


def diff_table(cur: Table, des: Table, dialect: str, fold: Fold) -> TableDiff:
    result = TableDiff()
    old_cols, new_cols = _by_key(cur.columns, fold), _by_key(des.columns, fold)
    dropped = [c for k, c in old_cols.items() if k not in new_cols]
    added = [c for k, c in new_cols.items() if k not in old_cols]
    altered = [(old_cols[k], c) for k, c in new_cols.items() if k in old_cols and old_cols[k] != c]
    result.retyped = {fold(new.name) for old, new in altered if old.type != new.type}
    result.shape_changed = bool(dropped or added or altered)
    if dialect == "sqlite":
        if _sqlite_needs_rebuild(cur, des, dropped, added, altered, fold):
            result.operations.append(ops.RebuildTable(cur, des))
            result.shape_changed = True
            return result
        return _sqlite_simple(cur, des, dropped, added, result)

    name = des.name
    out = result.operations
    old_idx = set(cur.indexes)
    new_idx = set(des.indexes)
    out += [ops.DropIndex(name, i) for i in sorted(old_idx - new_idx, key=lambda i: i.name)]
    out += [
        ops.DropUnique(name, u)
        for u in unmatched(cur.unique_constraints, des.unique_constraints, fold)
    ]
    out += [ops.DropCheck(name, c) for c in unmatched(cur.checks, des.checks, fold)]
    pk_changed = not same_primary_key(cur.primary_key, des.primary_key, fold)
    if pk_changed and cur.primary_key is not None:
        out.append(ops.DropPrimaryKey(name, cur.primary_key))
    out += [ops.DropColumn(name, c) for c in dropped]
    out += [ops.AddColumn(name, c) for c in added]
    out += [ops.AlterColumn(name, old, new) for old, new in altered]
    if pk_changed and des.primary_key is not None:
        out.append(ops.AddPrimaryKey(name, des.primary_key))
    out += [
        ops.AddUnique(name, u)
        for u in unmatched(des.unique_constraints, cur.unique_constraints, fold)
    ]
    out += [ops.AddCheck(name, c) for c in unmatched(des.checks, cur.checks, fold)]
    out += [ops.CreateIndex(name, i) for i in sorted(new_idx - old_idx, key=lambda i: i.name)]
    if cur.comment != des.comment:
        out.append(ops.SetTableComment(name, cur.comment, des.comment))
    result.drop_fks = unmatched(cur.foreign_keys, des.foreign_keys, fold)
    result.add_fks = unmatched(des.foreign_keys, cur.foreign_keys, fold)
    return result


_GENERATED_NAME = re.compile(r"(_ibfk_\d+|^CONSTRAINT_\d+)$", re.IGNORECASE)
T = TypeVar("T", UniqueConstraint, ForeignKey, CheckConstraint)


def _signature(item: UniqueConstraint | ForeignKey | CheckConstraint, fold: Fold) -> Hashable:
    if isinstance(item, UniqueConstraint):
        return (tuple(map(fold, item.columns)), item.deferrable)
    if isinstance(item, ForeignKey):
        return (
            tuple(map(fold, item.columns)),
            fold(item.ref_table),
            tuple(map(fold, item.ref_columns)),
            item.on_delete,
            item.on_update,
            item.deferrable,
        )
    return item.expression


def same_name(x: str | None, y: str | None, fold: Fold) -> bool:
    """Names a database made up (unnamed SQLite constraints, MySQL `t_ibfk_1`, MariaDB
    `CONSTRAINT_1`) match any name; names a person gave must be equal."""
    if x is None or y is None or _GENERATED_NAME.search(x) or _GENERATED_NAME.search(y):
        return True
    return fold(x) == fold(y)


def unmatched(a: tuple[T, ...], b: tuple[T, ...], fold: Fold) -> list[T]:
    """The constraints of `a` with no equal one in `b` (same content, compatible name)."""
    rest = list(b)
    out = []
    for item in a:
        match = next(
            (
                other
                for other in rest
                if _signature(other, fold) == _signature(item, fold)
                and same_name(item.name, other.name, fold)
            ),
            None,
        )
        if match is None:
            out.append(item)
        else:
            rest.remove(match)
    return out


def _differ(a: tuple[T, ...], b: tuple[T, ...], fold: Fold) -> bool:
    return bool(unmatched(a, b, fold) or unmatched(b, a, fold))


def same_primary_key(x: PrimaryKey | None, y: PrimaryKey | None, fold: Fold) -> bool:
    if x is None or y is None:
        return x is y
    columns_equal = tuple(map(fold, x.columns)) == tuple(map(fold, y.columns))
    return columns_equal and same_name(x.name, y.name, fold)


def _sqlite_simple(
    cur: Table, des: Table, dropped: list[Column], added: list[Column], result: TableDiff
) -> TableDiff:
    name = des.name
    old_idx, new_idx = set(cur.indexes), set(des.indexes)
    out = result.operations
    out += [ops.DropIndex(name, i) for i in sorted(old_idx - new_idx, key=lambda i: i.name)]
    out += [ops.DropColumn(name, c) for c in dropped]
    out += [ops.AddColumn(name, c) for c in added]
    out += [ops.CreateIndex(name, i) for i in sorted(new_idx - old_idx, key=lambda i: i.name)]
    return result


def _sqlite_needs_rebuild(
    cur: Table,
    des: Table,
    dropped: list[Column],
    added: list[Column],
    altered: list[tuple[Column, Column]],
    fold: Fold,
) -> bool:
    """SQLite's ALTER TABLE can only add a plain column and drop an unconstrained one."""
    if altered or not same_primary_key(cur.primary_key, des.primary_key, fold):
        return True
    if (
        _differ(cur.unique_constraints, des.unique_constraints, fold)
        or _differ(cur.foreign_keys, des.foreign_keys, fold)
        or _differ(cur.checks, des.checks, fold)
    ):
        return True
    constrained = _constrained_columns(cur, fold)
    if any(fold(c.name) in constrained or c.generated is not None for c in dropped):
        return True
    return any(not _sqlite_addable(c) for c in added) or any(
        c.generated is not None for c in cur.columns if dropped
    )


def _constrained_columns(table: Table, fold: Fold) -> set[str]:
    names: set[str] = set()
    if table.primary_key is not None:
        names.update(table.primary_key.columns)
    for index in table.indexes:
        names.update(index.columns if not index.expressions else ())
        if index.expressions or index.where:
            names.update(c.name for c in table.columns)  # an expression may read any column
    for unique in table.unique_constraints:
        names.update(unique.columns)
    for fk in table.foreign_keys:
        names.update(fk.columns)
    if table.checks:
        names.update(c.name for c in table.columns)
    return {fold(n) for n in names}


def _sqlite_addable(column: Column) -> bool:
    """ALTER TABLE ADD COLUMN: no PK/UNIQUE, a non-null default when NOT NULL, a constant default,
    no STORED generated column (ours are VIRTUAL)."""
    default = (column.default or "").strip()
    if not column.nullable and default in ("", "NULL"):
        return False
    if default and not is_literal(default):
        return False
    return not column.identity
