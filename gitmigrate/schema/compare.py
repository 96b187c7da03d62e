"""schema_differences(a, b): what differs between two schemas, one human-readable line each.

`a` is the expected side and `b` the actual one: "table orders missing" means `b` lacks a table
`a` has, "added" the reverse. Column order is ignored (a rollback cannot restore a column's
position). Names are compared with the dialect's folding (`Schema.key`). Constraints are
matched by name first, then by content, so an unnamed constraint (SQLite) or one whose name the
database generated (MySQL `t_ibfk_1`, MariaDB `CONSTRAINT_1`) equals the same constraint
under another generated name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import fields
from typing import Any, Protocol, TypeVar

from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Schema,
    Table,
    UniqueConstraint,
)
from gitmigrate.schema.types import equivalent_types


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _MaybeNamed(Protocol):
    @property
    def name(self) -> str | None: ...


N = TypeVar("N", bound=_Named)
C = TypeVar("C", bound=_MaybeNamed)
Fold = Callable[[str], str]
_GENERATED_NAME = re.compile(r"(_ibfk_\d+|^CONSTRAINT_\d+)$", re.IGNORECASE)


def schema_differences(a: Schema, b: Schema) -> list[str]:
    """Every difference, sorted within each kind of object; empty when the schemas are equal."""
    lines: list[str] = []
    if a.dialect != b.dialect:
        lines.append(f"dialect {a.dialect} != {b.dialect}")
    fold = a.key
    lines += _by_name("table", a.tables, b.tables, fold, lambda x, y: _table(x, y, fold, a.dialect))
    lines += _by_name("view", a.views, b.views, fold, _fields_differ)
    lines += _by_name("enum", a.enums, b.enums, fold, _fields_differ)
    lines += _by_name("sequence", a.sequences, b.sequences, fold, _fields_differ)
    for ext in sorted(set(a.extensions) - set(b.extensions)):
        lines.append(f"extension {ext} missing")
    for ext in sorted(set(b.extensions) - set(a.extensions)):
        lines.append(f"extension {ext} added")
    lines += _objects(a, b)
    return lines


def _objects(a: Schema, b: Schema) -> list[str]:
    """Server-kept objects (functions, triggers ...): missing, added, or defined differently."""
    left = {(o.kind, o.name): o for o in a.objects}
    right = {(o.kind, o.name): o for o in b.objects}
    lines = []
    for kind, name in sorted(left.keys() | right.keys()):
        x, y = left.get((kind, name)), right.get((kind, name))
        if y is None:
            lines.append(f"{kind} {name} missing")
        elif x is None:
            lines.append(f"{kind} {name} added")
        elif x.create != y.create:
            lines.append(f"{kind} {name}: definition differs")
    return lines


def _by_name(
    label: str,
    a: Iterable[N],
    b: Iterable[N],
    fold: Fold,
    differ: Callable[[N, N], list[str]],
) -> list[str]:
    left = {fold(x.name): x for x in a}
    right = {fold(x.name): x for x in b}
    lines = []
    for key in sorted(set(left) | set(right)):
        if key not in right:
            lines.append(f"{label} {left[key].name} missing")
        elif key not in left:
            lines.append(f"{label} {right[key].name} added")
        else:
            name = left[key].name
            lines += [f"{label} {name}: {line}" for line in differ(left[key], right[key])]
    return lines


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return "none" if value is None else str(value)


def _fields_differ(x: Any, y: Any, skip: Sequence[str] = ("name",)) -> list[str]:
    out = []
    for f in fields(x):
        if f.name in skip:
            continue
        left, right = getattr(x, f.name), getattr(y, f.name)
        if left != right:
            out.append(f"{f.name.replace('_', ' ')} {_show(left)} != {_show(right)}")
    return out


def _table(x: Table, y: Table, fold: Fold, dialect: str) -> list[str]:
    lines = _by_name("column", x.columns, y.columns, fold, lambda i, j: _column(i, j, dialect))
    pk_x = None if x.primary_key is None else tuple(map(fold, x.primary_key.columns))
    pk_y = None if y.primary_key is None else tuple(map(fold, y.primary_key.columns))
    if pk_x != pk_y:
        lines.append(f"primary key {_show(pk_x)} != {_show(pk_y)}")
    elif (
        x.primary_key
        and y.primary_key
        and _names_differ(x.primary_key.name, y.primary_key.name, fold)
    ):
        lines.append(f"primary key name {x.primary_key.name} != {y.primary_key.name}")
    lines += _by_name("index", x.indexes, y.indexes, fold, lambda i, j: _index(i, j, fold))
    lines += _constraints(
        "unique constraint", x.unique_constraints, y.unique_constraints, fold, _unique_sig
    )
    lines += _constraints("foreign key", x.foreign_keys, y.foreign_keys, fold, _fk_sig)
    lines += _constraints("check constraint", x.checks, y.checks, fold, _check_sig)
    if x.comment != y.comment:
        lines.append(f"comment {_show(x.comment)} != {_show(y.comment)}")
    for attr in ("partition_by", "partition_of", "partition_bound", "inherits"):
        left, right = getattr(x, attr), getattr(y, attr)
        if left != right:
            lines.append(f"{attr.replace('_', ' ')} {_show(left)} != {_show(right)}")
    if x.partitions != y.partitions:  # MySQL RANGE/LIST partitions
        shown = [" ".join(p) for p in x.partitions], [" ".join(p) for p in y.partitions]
        lines.append(f"partitions {_show(tuple(shown[0]))} != {_show(tuple(shown[1]))}")
    return lines


def _column(x: Column, y: Column, dialect: str) -> list[str]:
    if equivalent_types(x.type, y.type, dialect):
        return _fields_differ(x, y, skip=("name", "type"))
    return _fields_differ(x, y)


def _index(x: Index, y: Index, fold: Fold) -> list[str]:
    if not x.expressions and not y.expressions:
        x_cols, y_cols = tuple(map(fold, x.columns)), tuple(map(fold, y.columns))
        if x_cols == y_cols:
            return _fields_differ(x, y, skip=("name", "columns"))
    return _fields_differ(x, y)


def _unique_sig(u: UniqueConstraint, fold: Fold) -> Hashable:
    return (tuple(map(fold, u.columns)), u.deferrable)


def _fk_sig(fk: ForeignKey, fold: Fold) -> Hashable:
    return (
        tuple(map(fold, fk.columns)),
        fold(fk.ref_table),
        tuple(map(fold, fk.ref_columns)),
        fk.on_delete,
        fk.on_update,
        fk.ref_schema,
        fk.deferrable,
    )


def _check_sig(c: CheckConstraint, fold: Fold) -> Hashable:
    return c.expression


def _describe(item: Any) -> str:
    if isinstance(item, ForeignKey):
        text = f"{_show(item.columns)} -> {item.ref_table}{_show(item.ref_columns)}"
        for action, value in (("ON DELETE", item.on_delete), ("ON UPDATE", item.on_update)):
            text += f" {action} {value}" if value else ""
        return f"{text} {item.deferrable}" if item.deferrable else text
    if isinstance(item, CheckConstraint):
        return f"({item.expression})"
    text = _show(getattr(item, "columns", ()))
    deferrable = getattr(item, "deferrable", None)
    return f"{text} {deferrable}" if deferrable else text


def _label(item: Any) -> str:
    return f"{item.name} {_describe(item)}" if item.name else _describe(item)


def _names_differ(x: str | None, y: str | None, fold: Fold) -> bool:
    if x is None or y is None or _GENERATED_NAME.search(x) or _GENERATED_NAME.search(y):
        return False
    return fold(x) != fold(y)


def _constraints(
    label: str, a: Sequence[C], b: Sequence[C], fold: Fold, sig: Callable[[C, Fold], Hashable]
) -> list[str]:
    lines: list[str] = []
    left, right = list(a), list(b)
    # 1. same name on both sides: compare content
    for x in list(left):
        name = x.name
        if name is None:
            continue
        match = next((y for y in right if y.name and fold(y.name) == fold(name)), None)
        if match is None:
            continue
        left.remove(x)
        right.remove(match)
        if sig(x, fold) != sig(match, fold):
            lines.append(f"{label} {name}: {_describe(x)} != {_describe(match)}")
    # 2. the rest: by content; names matter only when both are user-given
    for x in list(left):
        match = next((y for y in right if sig(y, fold) == sig(x, fold)), None)
        if match is None:
            continue
        left.remove(x)
        right.remove(match)
        x_name, y_name = x.name, match.name
        if _names_differ(x_name, y_name, fold):
            lines.append(f"{label} {_describe(x)}: name {x_name} != {y_name}")
    lines += [f"{label} {_label(x)} missing" for x in left]
    lines += [f"{label} {_label(y)} added" for y in right]
    return sorted(lines)
