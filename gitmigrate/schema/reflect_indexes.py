"""Indexes of a reflected table, as the model keeps them: SQLite's parsed from their CREATE
INDEX text (reflect_extras.py), the others from the inspector with what it reports only as
dialect options (operator classes, MySQL prefix lengths and FULLTEXT/SPATIAL, sort flags);
indexes that only back a unique constraint, a MySQL foreign key or a partition's copy of its
parent's index are left out (they come with what they back)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from gitmigrate.schema import normalize as norm
from gitmigrate.schema.model import ForeignKey, Index, UniqueConstraint
from gitmigrate.schema.objects.pg_common import qi

if TYPE_CHECKING:
    from gitmigrate.schema.reflect import _Context

_MYSQL_INDEX_KINDS = ("FULLTEXT", "SPATIAL")


def table_indexes(
    ctx: _Context, table: str, uniques: list[UniqueConstraint], fks: list[ForeignKey]
) -> tuple[Index, ...]:
    if ctx.dialect == "sqlite":
        found = [
            Index(ix.name, ix.columns, ix.unique, norm.expression(ix.where), ix.expressions)
            for ix in ctx.sqlite_indexes.get(table, [])
        ]
        return tuple(sorted(found, key=lambda i: i.name))
    unique_names = {ctx_key(ctx, u.name) for u in uniques if u.name}
    out = []
    attached = ctx.inheritance.attached_indexes.get(table, set()) if ctx.inheritance else set()
    for raw in ctx.part("indexes", table) or []:
        if raw.get("duplicates_constraint") or ctx_key(ctx, raw.get("name")) in unique_names:
            continue
        if raw.get("name") in attached:  # a partition's copy of its parent's index
            continue
        index = _index(ctx, raw)
        if ctx.dialect == "mysql" and _fk_backing(index, fks):
            continue
        out.append(index)
    return tuple(sorted(out, key=lambda i: i.name))


def ctx_key(ctx: _Context, name: str | None) -> str | None:
    return name.lower() if name is not None and ctx.dialect != "postgresql" else name


def _index(ctx: _Context, raw: dict[str, Any]) -> Index:
    options = raw.get("dialect_options") or {}
    names = list(raw.get("column_names") or [])
    exprs = list(raw.get("expressions") or names)
    sorting = raw.get("column_sorting") or {}
    prefix = str(options.get("mysql_prefix") or "").upper()
    kind = prefix if prefix in _MYSQL_INDEX_KINDS else None
    # a SPATIAL index reports a key length the author never wrote and cannot set
    lengths = {} if kind else options.get("mysql_length") or {}
    if isinstance(lengths, int):
        lengths = {n: lengths for n in names if n}
    parts: list[str] = []
    expressions = False
    opclasses = options.get("postgresql_ops") or {}
    for name, text in zip(names, exprs, strict=False):
        if name is None:
            expressions = True
            element = norm.expression(text) or ""
            if text in opclasses:  # `(expr) opclass`: the element keeps its operator class
                element = f"({element}) {qi(opclasses[text])}"
            parts.append(element)
            continue
        part = str(name)
        if name in opclasses:
            part, expressions = f"({qi(part)}) {qi(opclasses[name])}", True
        if name in lengths:  # MySQL prefix index: col(10)
            part, expressions = f"{part}({lengths[name]})", True
        for flag in sorting.get(name, ()):  # asc, desc, nulls_first, nulls_last
            part, expressions = f"{part} {str(flag).upper().replace('_', ' ')}", True
        parts.append(part)
    method = options.get("postgresql_using")
    return Index(
        name=str(raw["name"]),
        columns=tuple(parts),
        unique=bool(raw.get("unique")),
        where=norm.expression(options.get("postgresql_where")),
        expressions=expressions,
        method=kind or (None if method in (None, "btree") else str(method)),
    )


def _fk_backing(index: Index, fks: list[ForeignKey]) -> bool:
    """MySQL creates an index for a foreign key that has none, named after the constraint (or
    its first column, numbered on a clash); it exists only because of the key."""
    if index.unique or index.expressions:
        return False
    for fk in fks:
        if index.columns != fk.columns:
            continue
        first = fk.columns[0].lower()
        if index.name.lower() in ((fk.name or "").lower(), first) or re.fullmatch(
            rf"{re.escape(first)}_\d+", index.name.lower()
        ):
            return True
    return False
