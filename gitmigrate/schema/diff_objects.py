"""The parts of a diff outside tables: PostgreSQL enums and sequences, and the drop+add pairs
that look like renames (reported, never acted on)."""

from __future__ import annotations

from collections.abc import Callable

from gitmigrate.schema import ops
from gitmigrate.schema.model import Enum, Schema
from gitmigrate.schema.names import bare, schema_of

Fold = Callable[[str], str]
OpList = list[ops.Operation]


def enum_usages(schema: Schema, enum: Enum) -> tuple[ops.EnumUsage, ...]:
    """The columns whose type is `enum` (the type text may be quoted or schema-qualified).

    A partition's columns are its parent's: PostgreSQL refuses to retype them ("cannot alter
    inherited column") and retyping the parent's column retypes them."""
    return tuple(
        ops.EnumUsage(table.name, column)
        for table in schema.tables
        if table.partition_of is None
        for column in table.columns
        if _is_type(column.type, enum.name, schema)
    )


def _is_type(type_text: str, enum: str, schema: Schema) -> bool:
    """Whether a column's type text names `enum`: qualified as the server writes a type off
    the search_path, or bare (a default-schema enum, or one found on the search_path)."""
    plain = type_text.replace('"', "")
    if schema_of(enum) is None:
        return plain.rpartition(".")[2] == enum
    if plain == enum:
        return True
    return plain == bare(enum) and all(e.name != plain for e in schema.enums)


def _is_insertion(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Whether `new` is `old` with values inserted (ALTER TYPE ... ADD VALUE can do it)."""
    return len(new) > len(old) and [v for v in new if v in old] == list(old)


def _detached_usages(current: Schema, desired: Schema, enum: Enum) -> tuple[ops.EnumUsage, ...]:
    """Columns of partitions the plan detaches: they stand alone while the enum changes
    (detaches come first of all, attaches last of all, in both directions), so the type swap
    retypes them too, with the column as the detached table has it."""
    detached = {
        current.key(t.name)
        for t in current.tables
        if t.partition_of is not None
        and (other := desired.table(t.name)) is not None
        and other.partition_of is None
    }
    return tuple(u for u in enum_usages(desired, enum) if current.key(u.table) in detached)


def _enum_ops(current: Schema, desired: Schema) -> tuple[OpList, OpList]:
    pre: OpList = []
    post: OpList = []
    old_enums = {e.name: e for e in current.enums}
    new_enums = {e.name: e for e in desired.enums}
    for name in sorted(new_enums):
        new = new_enums[name]
        old = old_enums.get(name)
        if old is None:
            pre.append(ops.CreateEnum(new))
        elif old != new:
            usages = enum_usages(current, old) + _detached_usages(current, desired, old)
            if _is_insertion(old.values, new.values):
                step = old
                for value in new.values:
                    if value not in old.values:
                        values = tuple(v for v in new.values if v in step.values or v == value)
                        following = Enum(name, values)
                        pre.append(ops.AddEnumValue(step, following, value, usages))
                        step = following
            else:
                pre.append(ops.ReplaceEnum(old, new, usages))
    post += [ops.DropEnum(old_enums[n]) for n in sorted(old_enums) if n not in new_enums]
    return pre, post


def enum_and_sequence_ops(
    current: Schema, desired: Schema, fold: Fold
) -> tuple[OpList, OpList, OpList, OpList]:
    """(before table changes, after them, first of all, last of all) for enums and sequences.

    A new sequence is created unowned before the tables (a default may call nextval on it) and
    given its OWNED BY at the end, once its table exists; a dropped one loses its owner first,
    so dropping its table does not take it along, and is dropped once nothing uses it.
    """
    pre, post = _enum_ops(current, desired)
    release: OpList = []
    final: OpList = []
    old_seqs = {s.name: s for s in current.sequences}
    new_seqs = {s.name: s for s in desired.sequences}
    for name in sorted(new_seqs):
        new = new_seqs[name]
        old = old_seqs.get(name)
        if old is None:
            pre.append(ops.CreateSequence(ops.unowned(new)))
            if new.owned_by is not None:
                final.append(ops.AlterSequence(ops.unowned(new), new))
        elif old != new:
            final.append(ops.AlterSequence(old, new))
    for name in sorted(old_seqs):
        if name in new_seqs:
            continue
        old = old_seqs[name]
        if old.owned_by is not None:
            release.append(ops.AlterSequence(old, ops.unowned(old)))
        post.append(ops.DropSequence(ops.unowned(old)))
    return pre, post, release, final


def rename_candidates(current: Schema, desired: Schema, fold: Fold) -> tuple[str, ...]:
    """`old:new` pairs (as `--rename` takes them) for drop+add pairs that look like renames:
    in one table a dropped and an added column of the same type; a dropped and an added table
    with the same columns."""
    found: list[str] = []
    cur = {fold(t.name): t for t in current.tables}
    des = {fold(t.name): t for t in desired.tables}
    for key in sorted(cur.keys() & des.keys()):
        old_t, new_t = cur[key], des[key]
        old_names = {fold(c.name) for c in old_t.columns}
        new_names = {fold(c.name) for c in new_t.columns}
        dropped = [c for c in old_t.columns if fold(c.name) not in new_names]
        added = [c for c in new_t.columns if fold(c.name) not in old_names]
        for gone in dropped:
            for came in added:
                if fold(gone.type) == fold(came.type):
                    found.append(f"{new_t.name}.{gone.name}:{new_t.name}.{came.name}")
    gone_tables = [cur[k] for k in sorted(cur.keys() - des.keys())]
    new_tables = [des[k] for k in sorted(des.keys() - cur.keys())]
    for old_t in gone_tables:
        shape = {(fold(c.name), fold(c.type)) for c in old_t.columns}
        for new_t in new_tables:
            if shape == {(fold(c.name), fold(c.type)) for c in new_t.columns}:
                found.append(f"{old_t.name}:{new_t.name}")
    return tuple(found)
