"""The operations that turn one existing table into its desired definition.

PostgreSQL and MariaDB/MySQL get one operation per change. SQLite gets ADD/DROP COLUMN and
index operations where its ALTER TABLE can do them, and one `RebuildTable` otherwise.
Foreign keys are returned apart: the plan drops them before and adds them after every table
change, so a referenced column can change type and tables can reference each other.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
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
from gitmigrate.schema.mysql_fk_index import guard_index_ops
from gitmigrate.schema.mysql_partitions import partitioning_changed
from gitmigrate.schema.render import is_literal
from gitmigrate.schema.types import equivalent_types

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
    altered = [
        (old_cols[k], c)
        for k, c in new_cols.items()
        if k in old_cols and not same_column(old_cols[k], c, dialect)
    ]
    if dialect == "mysql":  # MariaDB cannot MODIFY a column into or out of being generated
        regenerated = [(old, new) for old, new in altered if _regenerated(old, new)]
        altered = [pair for pair in altered if pair not in regenerated]
        dropped += [old for old, _ in regenerated]
        added += [new for _, new in regenerated]
    result.retyped = {
        fold(new.name) for old, new in altered if not equivalent_types(old.type, new.type, dialect)
    }
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
    gone_idx = sorted(old_idx - new_idx, key=lambda i: i.name)
    made_idx = sorted(new_idx - old_idx, key=lambda i: i.name)
    index_drops: list[ops.Operation] = [ops.DropIndex(name, i) for i in gone_idx]
    index_creates: list[ops.Operation] = [ops.CreateIndex(name, i) for i in made_idx]
    if dialect == "mysql":  # an index a foreign key needs is swapped, not dropped
        index_drops, index_creates = guard_index_ops(name, cur, des, gone_idx, made_idx, fold)
    out += index_drops
    out += [
        ops.DropUnique(name, u)
        for u in unmatched(cur.unique_constraints, des.unique_constraints, fold)
    ]
    out += [ops.DropCheck(name, c) for c in unmatched(cur.checks, des.checks, fold)]
    pk_changed = not same_primary_key(cur.primary_key, des.primary_key, fold)
    if dialect == "mysql" and pk_changed:  # an AUTO_INCREMENT column must stay a key
        plain = [dataclasses.replace(c, identity=False) for c in dropped if c.identity]
        out += [
            ops.AlterColumn(name, c, p)
            for c, p in zip([c for c in dropped if c.identity], plain, strict=True)
        ]
        dropped = [dataclasses.replace(c, identity=False) for c in dropped]
    if pk_changed and cur.primary_key is not None:
        out.append(ops.DropPrimaryKey(name, cur.primary_key))
    drops: list[ops.Operation] = [ops.DropColumn(name, c) for c in dropped]
    adds: list[ops.Operation] = [ops.AddColumn(name, c) for c in added]
    # a table cannot lose its last column: when every column is replaced, add the new first
    every = len(dropped) == len(cur.columns)
    if every and not {fold(c.name) for c in dropped} & {fold(c.name) for c in added}:
        out += adds + drops
    else:
        out += drops + adds
    out += [_alter(name, old, new, dialect) for old, new in altered]
    if pk_changed and des.primary_key is not None:
        out.append(ops.AddPrimaryKey(name, des.primary_key))
    out += [
        ops.AddUnique(name, u)
        for u in unmatched(des.unique_constraints, cur.unique_constraints, fold)
    ]
    out += [ops.AddCheck(name, c) for c in unmatched(des.checks, cur.checks, fold)]
    out += index_creates
    if cur.comment != des.comment:
        out.append(ops.SetTableComment(name, cur.comment, des.comment))
    if dialect == "mysql" and partitioning_changed(cur, des):
        out.append(ops.Repartition(name, cur, des))
    result.drop_fks = unmatched(cur.foreign_keys, des.foreign_keys, fold)
    result.add_fks = unmatched(des.foreign_keys, cur.foreign_keys, fold)
    return result


def same_column(old: Column, new: Column, dialect: str) -> bool:
    """Equal, with equivalent spellings of a type (`types.equivalent_types`) counted equal."""
    if equivalent_types(old.type, new.type, dialect):
        return replace(old, type=new.type) == new
    return False


def _alter(table: str, old: Column, new: Column, dialect: str) -> ops.Operation:
    """PostgreSQL cannot make a column generated, nor change its expression (before 17): the
    column is dropped and added again. Making it plain keeps its values (DROP EXPRESSION),
    undone by dropping and adding it generated again."""
    if dialect != "postgresql" or old.generated == new.generated:
        return ops.AlterColumn(table, old, new)
    drop_add = (ops.DropColumn(table, old), ops.AddColumn(table, new))
    if new.generated is None:
        undo = (ops.DropColumn(table, new), ops.AddColumn(table, old))
        return ops.Composite((ops.AlterColumn(table, old, new),), undo)
    if old.generated is None:
        return ops.Composite(drop_add, (ops.AlterColumn(table, new, old),))
    return ops.Composite(drop_add, (ops.DropColumn(table, new), ops.AddColumn(table, old)))


def _regenerated(old: Column, new: Column) -> bool:
    """A MySQL column that becomes or stops being generated, or changes its storage: MariaDB
    refuses MODIFY for these ("not yet supported for generated columns"); drop and add it."""
    if old.generated is None and new.generated is None:
        return False
    return (
        old.generated is None
        or new.generated is None
        or (old.generated_storage != new.generated_storage)
    )


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
