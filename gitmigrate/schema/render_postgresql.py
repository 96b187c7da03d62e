"""PostgreSQL DDL: ALTER COLUMN ... TYPE/SET/DROP, identity, enums, sequences, and the online
variants (CREATE/DROP INDEX CONCURRENTLY, constraints added NOT VALID then validated)."""

from __future__ import annotations

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
    """The type, with SERIAL for a sequence-backed column (a nextval() default, or reflected
    without an identity generation: a real identity column has ALWAYS or BY DEFAULT), an
    identity clause otherwise."""
    if not column.identity:
        return column.type
    serial = _SERIALS.get(column.type.upper())
    if (column.default or "").lower().startswith("nextval(") or (
        serial is not None and column.identity_generation is None
    ):
        return serial or column.type
    return f"{column.type} GENERATED {column.identity_generation or 'BY DEFAULT'} AS IDENTITY"


def render_postgresql(op: ops.Operation, *, online: bool = False) -> list[str]:
    match op:
        case ops.CreateTable(table=table):
            return create_table(table, PG) + _comments(table)
        case ops.CreateIndex(table=table, index=index):
            return [create_index(table, index, PG, concurrently=online)]
        case ops.DropIndex(table=table, index=index):
            conc = "CONCURRENTLY " if online else ""
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
    if old.identity and not new.identity:
        out.append(f"{prefix} DROP IDENTITY")
    if old.generated is not None and new.generated is None:
        out.append(f"{prefix} DROP EXPRESSION")
    if type_changed:
        via = "::text" if is_user_type(old.type, PG) else ""  # no cast between two enums
        out.append(f"{prefix} TYPE {new.type} USING {q(new.name)}{via}::{new.type}")
    if old.nullable != new.nullable:
        out.append(f"{prefix} {'DROP' if new.nullable else 'SET'} NOT NULL")
    if new.default is not None and default_changed:
        out.append(f"{prefix} SET DEFAULT {new.default}")
    if new.identity and not old.identity:
        out.append(f"{prefix} ADD GENERATED BY DEFAULT AS IDENTITY")
    if old.comment != new.comment:
        text = "NULL" if new.comment is None else literal(new.comment)
        out.append(f"COMMENT ON COLUMN {q(table)}.{q(new.name)} IS {text}")
    return out


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
