"""PostgreSQL DDL: ALTER COLUMN ... TYPE/SET/DROP, identity, enums, sequences, and the online
variants (CREATE/DROP INDEX CONCURRENTLY, constraints added NOT VALID then validated)."""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.schema import ops
from gitmigrate.schema.model import Column, Sequence, Table
from gitmigrate.schema.names import bare, sibling
from gitmigrate.schema.render import (
    check_clause,
    create_index,
    create_table,
    foreign_key_clause,
    literal,
    primary_key_clause,
    quote,
    render_common,
    unique_clause,
)
from gitmigrate.schema.types import is_user_type

PG = "postgresql"
_SERIALS = {"INTEGER": "SERIAL", "BIGINT": "BIGSERIAL", "SMALLINT": "SMALLSERIAL"}


def q(name: str) -> str:
    return quote(name, PG)


def column_type_and_identity(column: Column) -> str:
    """The type, with SERIAL for a serial column (identity without a generation, as reflected)
    or a nextval() default, an identity clause (ALWAYS / BY DEFAULT) otherwise."""
    if not column.identity:
        return column.type
    serial = column.identity_generation is None  # how reflection tells a serial column
    if (serial and column.type.upper() in _SERIALS) or (column.default or "").lower().startswith(
        "nextval("
    ):
        return _SERIALS.get(column.type.upper(), column.type)
    return f"{column.type} GENERATED {column.identity_generation or 'BY DEFAULT'} AS IDENTITY"


def render_postgresql(op: ops.Operation, *, online: bool = False) -> list[str]:
    match op:
        case ops.CreateTable(table=table):
            return create_pg_table(table) + _comments(table)
        case ops.AttachPartition(parent=parent, table=table, bound=bound):
            return [f"ALTER TABLE {q(parent)} ATTACH PARTITION {q(table)} {bound}"]
        case ops.DetachPartition(parent=parent, table=table):
            return [f"ALTER TABLE {q(parent)} DETACH PARTITION {q(table)}"]
        case ops.CreateIndex(table=table, index=index):
            return create_pg_index(op, online)
        case ops.DropIndex(table=table, index=index, partitions=partitions):
            # a partitioned index cannot be dropped concurrently; dropping it drops its copies
            conc = "CONCURRENTLY " if online and partitions is None else ""
            return [f"DROP INDEX {conc}{q(sibling(table, index.name))}"]
        case ops.AlterColumn(table=table, old=old, new=new):
            return alter_column(table, old, new)
        case ops.AddColumn(table=table, column=column) if column.comment is not None:
            # PostgreSQL has no COMMENT clause in ADD COLUMN: a column added back (a rollback
            # of its drop) gets its comment from its own statement
            target = f"{q(table)}.{q(column.name)}"
            added = render_common(op, PG) or []
            return [*added, f"COMMENT ON COLUMN {target} IS {literal(column.comment)}"]
        case ops.SetTableComment(table=table, new=new):
            text = "NULL" if new is None else literal(new)
            return [f"COMMENT ON TABLE {q(table)} IS {text}"]
        case ops.AddForeignKey(table=table, foreign_key=fk):
            return _add_constraint(table, foreign_key_clause(fk, PG), fk.name, online)
        case ops.AddCheck(table=table, check=check):
            return _add_constraint(table, check_clause(check, PG), check.name, online)
        case ops.AddUnique(table=table, constraint=unique):
            return [f"ALTER TABLE {q(table)} ADD {unique_clause(unique, PG)}"]
        case ops.AddPrimaryKey(table=table, primary_key=pk):
            return [f"ALTER TABLE {q(table)} ADD {primary_key_clause(pk, PG)}"]
        case ops.DropForeignKey(table=table, foreign_key=fk):
            return [_drop_constraint(table, fk.name or f"{table}_{fk.columns[0]}_fkey")]
        case ops.DropCheck(table=table, check=check):
            return [_drop_constraint(table, check.name or f"{table}_check")]
        case ops.DropUnique(table=table, constraint=unique):
            return [
                _drop_constraint(table, unique.name or f"{table}_{'_'.join(unique.columns)}_key")
            ]
        case ops.DropPrimaryKey(table=table, primary_key=pk):
            return [_drop_constraint(table, pk.name or f"{table}_pkey")]
        case ops.CreateView(view=view) if view.materialized:
            return [f"CREATE MATERIALIZED VIEW {q(view.name)} AS {view.definition}"]
        case ops.DropView(view=view) if view.materialized:
            return [f"DROP MATERIALIZED VIEW {q(view.name)}"]
        case ops.CreateEnum(enum=enum):
            values = ", ".join(literal(v) for v in enum.values)
            return [f"CREATE TYPE {q(enum.name)} AS ENUM ({values})"]
        case ops.DropEnum(enum=enum):
            return [f"DROP TYPE {q(enum.name)}"]
        case ops.AddEnumValue():
            where = f" BEFORE {literal(op.before)}" if op.before is not None else ""
            return [f"ALTER TYPE {q(op.new.name)} ADD VALUE {literal(op.value)}{where}"]
        case ops.ReplaceEnum():
            return _replace_enum(op)
        case ops.CreateExtension(name=name):
            return [f"CREATE EXTENSION {q(name)}"]
        case ops.DropExtension(name=name):
            return [f"DROP EXTENSION {q(name)}"]
        case ops.CreateSequence(sequence=seq):
            return [f"CREATE SEQUENCE {q(seq.name)}{_sequence_options(None, seq)}"]
        case ops.DropSequence(sequence=seq):
            return [f"DROP SEQUENCE {q(seq.name)}"]
        case ops.AlterSequence(old=old, new=new):
            return _alter_sequence(old, new)
    common = render_common(op, PG)
    if common is None:
        raise NotImplementedError(f"no PostgreSQL rendering for {op!r}")
    return common


def create_pg_table(table: Table) -> list[str]:
    """CREATE TABLE, as a partition (`PARTITION OF parent <bound>`, its columns come from the
    parent), with `INHERITS (...)` and `PARTITION BY ...` where the table has them."""
    if table.partition_of is None or table.partition_bound is None:
        statements = create_table(table, PG)
        suffix = ""
        if table.inherits:
            suffix += f" INHERITS ({', '.join(q(p) for p in table.inherits)})"
        if table.partition_by:
            suffix += f" PARTITION BY {table.partition_by}"
        return [statements[0] + suffix, *statements[1:]]
    lines = [primary_key_clause(table.primary_key, PG)] if table.primary_key else []
    lines += [unique_clause(u, PG) for u in table.unique_constraints]
    lines += [check_clause(c, PG) for c in table.checks]
    lines += [foreign_key_clause(fk, PG) for fk in table.foreign_keys]
    joined = ",\n    ".join(lines)
    body = f" (\n    {joined}\n)" if lines else ""
    head = f"CREATE TABLE {q(table.name)} PARTITION OF {q(table.partition_of)}{body}"
    head += f" {table.partition_bound}"
    if table.partition_by:
        head += f" PARTITION BY {table.partition_by}"
    return [head] + [create_index(table.name, i, PG) for i in table.indexes]


def create_pg_index(op: ops.CreateIndex, online: bool) -> list[str]:
    """Online on a partitioned table (PostgreSQL refuses CONCURRENTLY there): the parent's index
    ON ONLY the parent (invalid until every partition has its copy), each partition's copy built
    CONCURRENTLY, then attached to it; the last attach makes the parent's index valid."""
    if not online or op.partitions is None:
        return [create_index(op.table, op.index, PG, concurrently=online)]
    parent = create_index(op.table, op.index, PG)
    head, _, rest = parent.partition(f" ON {q(op.table)}")
    out = [f"{head} ON ONLY {q(op.table)}{rest}"]
    for partition in op.partitions:
        copy = replace(op.index, name=partition_index_name(bare(partition), op.index.name))
        out.append(create_index(partition, copy, PG, concurrently=True))
        parent_index, copy_index = sibling(op.table, op.index.name), sibling(partition, copy.name)
        out.append(f"ALTER INDEX {q(parent_index)} ATTACH PARTITION {q(copy_index)}")
    return out


def partition_index_name(partition: str, index: str) -> str:
    """The name of a partition's copy of its parent's index, within PostgreSQL's 63 bytes."""
    name = f"{partition}_{index}"
    return name if len(name.encode()) <= 63 else name.encode()[:63].decode(errors="ignore")


def _comments(table: Table) -> list[str]:
    out = []
    if table.comment is not None:
        out.append(f"COMMENT ON TABLE {q(table.name)} IS {literal(table.comment)}")
    for column in table.columns:
        if column.comment is not None:
            target = f"{q(table.name)}.{q(column.name)}"
            out.append(f"COMMENT ON COLUMN {target} IS {literal(column.comment)}")
    return out


def _add_constraint(table: str, clause: str, name: str | None, online: bool) -> list[str]:
    if not online or name is None:
        return [f"ALTER TABLE {q(table)} ADD {clause}"]
    return [
        f"ALTER TABLE {q(table)} ADD {clause} NOT VALID",
        f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {q(name)}",
    ]


def _drop_constraint(table: str, name: str) -> str:
    return f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}"


def alter_column(table: str, old: Column, new: Column) -> list[str]:
    """Default dropped first and set last, so a type change never trips over the old default.
    (Reflection reports a SERIAL as an identity column without a default, as it behaves.)"""
    prefix = f"ALTER TABLE {q(table)} ALTER COLUMN {q(new.name)}"
    type_changed = old.type != new.type
    default_changed = old.default != new.default or type_changed
    out: list[str] = []
    if old.default is not None and default_changed:
        out.append(f"{prefix} DROP DEFAULT")
    out += _drop_identity(table, old, new)
    if old.generated is not None and new.generated is None:
        out.append(f"{prefix} DROP EXPRESSION")
    if type_changed:
        via = "::text" if is_user_type(old.type, PG) else ""  # no cast between two enums
        out.append(f"{prefix} TYPE {new.type} USING {q(new.name)}{via}::{new.type}")
    if old.nullable != new.nullable:
        out.append(f"{prefix} {'DROP' if new.nullable else 'SET'} NOT NULL")
    if new.default is not None and default_changed:
        out.append(f"{prefix} SET DEFAULT {new.default}")
    out += _add_identity(table, old, new)
    if old.comment != new.comment:
        text = "NULL" if new.comment is None else literal(new.comment)
        out.append(f"COMMENT ON COLUMN {q(table)}.{q(new.name)} IS {text}")
    return out


def _serial(column: Column) -> bool:
    return column.identity and column.identity_generation is None


def _serial_sequence(table: str, column: Column) -> str:
    """The sequence PostgreSQL names for a serial column (the model keeps no other name)."""
    return f"{table}_{column.name}_seq"


def _drop_identity(table: str, old: Column, new: Column) -> list[str]:
    """Leave identity or serial (or switch between them, or between ALWAYS and BY DEFAULT)."""
    prefix = f"ALTER TABLE {q(table)} ALTER COLUMN {q(new.name)}"
    if not old.identity or (new.identity and _serial(old) == _serial(new)):
        return []
    if _serial(old):
        return [f"{prefix} DROP DEFAULT", f"DROP SEQUENCE {q(_serial_sequence(table, old))}"]
    return [f"{prefix} DROP IDENTITY"]


def _add_identity(table: str, old: Column, new: Column) -> list[str]:
    prefix = f"ALTER TABLE {q(table)} ALTER COLUMN {q(new.name)}"
    if not new.identity:
        return []
    if old.identity and _serial(old) == _serial(new):
        if old.identity_generation == new.identity_generation:
            return []
        return [f"{prefix} SET GENERATED {new.identity_generation}"]
    if _serial(new):
        seq = q(_serial_sequence(table, new))
        return [
            f"CREATE SEQUENCE {seq} OWNED BY {q(table)}.{q(new.name)}",
            f"{prefix} SET DEFAULT nextval({literal(seq)}::regclass)",
        ]
    return [f"{prefix} ADD GENERATED {new.identity_generation} AS IDENTITY"]


def _replace_enum(op: ops.ReplaceEnum) -> list[str]:
    old_name = sibling(op.old.name, f"_gm_old_{bare(op.old.name)}")
    values = ", ".join(literal(v) for v in op.new.values)
    out = [
        f"ALTER TYPE {q(op.old.name)} RENAME TO {q(bare(old_name))}",
        f"CREATE TYPE {q(op.new.name)} AS ENUM ({values})",
    ]
    for usage in op.usages:
        prefix = f"ALTER TABLE {q(usage.table)} ALTER COLUMN {q(usage.column.name)}"
        if usage.column.default is not None:
            out.append(f"{prefix} DROP DEFAULT")
        out.append(
            f"{prefix} TYPE {q(op.new.name)} USING {q(usage.column.name)}::text::{q(op.new.name)}"
        )
        if usage.column.default is not None:
            out.append(f"{prefix} SET DEFAULT {usage.column.default}")
    out.append(f"DROP TYPE {q(old_name)}")
    return out


def _sequence_options(old: Sequence | None, new: Sequence) -> str:
    parts = []
    if new.increment is not None and (old is None or old.increment != new.increment):
        parts.append(f" INCREMENT BY {int(new.increment)}")
    if new.start is not None and (old is None or old.start != new.start):
        parts.append(f" START WITH {int(new.start)}")
        if old is not None:
            parts.append(f" RESTART WITH {int(new.start)}")
    return "".join(parts)


def _alter_sequence(old: Sequence, new: Sequence) -> list[str]:
    out = []
    options = _sequence_options(old, new)
    if options:
        out.append(f"ALTER SEQUENCE {q(new.name)}{options}")
    if old.owned_by != new.owned_by:
        if new.owned_by is None:
            owner = "NONE"
        else:
            table, _, column = new.owned_by.rpartition(".")
            owner = f"{q(sibling(new.name, table))}.{q(column)}"  # a sequence's own schema
        out.append(f"ALTER SEQUENCE {q(new.name)} OWNED BY {owner}")
    return out
