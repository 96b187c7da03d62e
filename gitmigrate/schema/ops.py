"""Schema operations: pure descriptions of one change, each knowing its exact reverse.

As in Alembic's `ops.py`, an operation that destroys something keeps the whole object
(`DropTable` holds the `Table`, `DropColumn` the `Column`), so its reverse can rebuild it and the
rollback of a generated step is the inverse of its plan, operation by operation. Rendering to
DDL is elsewhere (`render.py`): the plan is dialect-neutral data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)


class Operation:
    """Base of every operation: frozen data with `reverse()` and the objects it touches."""

    def reverse(self) -> Operation:
        raise NotImplementedError

    @property
    def objects(self) -> tuple[str, ...]:
        raise NotImplementedError


@dataclass(frozen=True)
class CreateTable(Operation):
    table: Table

    def reverse(self) -> Operation:
        return DropTable(self.table)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table.name,)


@dataclass(frozen=True)
class DropTable(Operation):
    table: Table

    def reverse(self) -> Operation:
        return CreateTable(self.table)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table.name,)


@dataclass(frozen=True)
class RebuildTable(Operation):
    """SQLite: replace a table by a copy with the new definition (see `sqlite_rebuild.py`)."""

    old: Table
    new: Table

    def reverse(self) -> Operation:
        return RebuildTable(self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.new.name,)


@dataclass(frozen=True)
class RenameTable(Operation):
    old: str
    new: str

    def reverse(self) -> Operation:
        return RenameTable(self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.old, self.new)


@dataclass(frozen=True)
class _ColumnOp(Operation):
    table: str
    column: Column

    @property
    def objects(self) -> tuple[str, ...]:
        return (f"{self.table}.{self.column.name}",)


@dataclass(frozen=True)
class AddColumn(_ColumnOp):
    def reverse(self) -> Operation:
        return DropColumn(self.table, self.column)


@dataclass(frozen=True)
class DropColumn(_ColumnOp):
    def reverse(self) -> Operation:
        return AddColumn(self.table, self.column)


@dataclass(frozen=True)
class AlterColumn(Operation):
    """A change of type, nullability, default or identity; both definitions are kept."""

    table: str
    old: Column
    new: Column

    def reverse(self) -> Operation:
        return AlterColumn(self.table, self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (f"{self.table}.{self.new.name}",)


@dataclass(frozen=True)
class RenameColumn(Operation):
    table: str
    old: str
    new: str

    def reverse(self) -> Operation:
        return RenameColumn(self.table, self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (f"{self.table}.{self.old}", f"{self.table}.{self.new}")


@dataclass(frozen=True)
class SetTableComment(Operation):
    """COMMENT ON TABLE (PostgreSQL) / ALTER TABLE ... COMMENT = (MariaDB); None: no comment."""

    table: str
    old: str | None
    new: str | None

    def reverse(self) -> Operation:
        return SetTableComment(self.table, self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table,)


@dataclass(frozen=True)
class CreateIndex(Operation):
    table: str
    index: Index

    def reverse(self) -> Operation:
        return DropIndex(self.table, self.index)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table, self.index.name)


@dataclass(frozen=True)
class DropIndex(Operation):
    table: str
    index: Index

    def reverse(self) -> Operation:
        return CreateIndex(self.table, self.index)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table, self.index.name)


@dataclass(frozen=True)
class _TableOp(Operation):
    """An operation on one table's constraint: it touches the table."""

    table: str

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table,)


@dataclass(frozen=True)
class AddUnique(_TableOp):
    constraint: UniqueConstraint

    def reverse(self) -> Operation:
        return DropUnique(self.table, self.constraint)


@dataclass(frozen=True)
class DropUnique(_TableOp):
    constraint: UniqueConstraint

    def reverse(self) -> Operation:
        return AddUnique(self.table, self.constraint)


@dataclass(frozen=True)
class AddForeignKey(Operation):
    """`backing_index`: MySQL creates an index for a foreign key no index covers, named after
    the constraint, and keeps it when the key is dropped; the drop removes it too."""

    table: str
    foreign_key: ForeignKey
    backing_index: str | None = None

    def reverse(self) -> Operation:
        return DropForeignKey(self.table, self.foreign_key, self.backing_index)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table, self.foreign_key.ref_table)


@dataclass(frozen=True)
class DropForeignKey(Operation):
    table: str
    foreign_key: ForeignKey
    backing_index: str | None = None

    def reverse(self) -> Operation:
        return AddForeignKey(self.table, self.foreign_key, self.backing_index)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table, self.foreign_key.ref_table)


@dataclass(frozen=True)
class AddCheck(_TableOp):
    check: CheckConstraint

    def reverse(self) -> Operation:
        return DropCheck(self.table, self.check)


@dataclass(frozen=True)
class DropCheck(_TableOp):
    check: CheckConstraint

    def reverse(self) -> Operation:
        return AddCheck(self.table, self.check)


@dataclass(frozen=True)
class AddPrimaryKey(_TableOp):
    primary_key: PrimaryKey

    def reverse(self) -> Operation:
        return DropPrimaryKey(self.table, self.primary_key)


@dataclass(frozen=True)
class DropPrimaryKey(_TableOp):
    primary_key: PrimaryKey

    def reverse(self) -> Operation:
        return AddPrimaryKey(self.table, self.primary_key)


@dataclass(frozen=True)
class CreateView(Operation):
    view: View

    def reverse(self) -> Operation:
        return DropView(self.view)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.view.name,)


@dataclass(frozen=True)
class DropView(Operation):
    view: View

    def reverse(self) -> Operation:
        return CreateView(self.view)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.view.name,)


@dataclass(frozen=True)
class CreateEnum(Operation):
    enum: Enum

    def reverse(self) -> Operation:
        return DropEnum(self.enum)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.enum.name,)


@dataclass(frozen=True)
class DropEnum(Operation):
    enum: Enum

    def reverse(self) -> Operation:
        return CreateEnum(self.enum)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.enum.name,)


@dataclass(frozen=True)
class EnumUsage:
    """A column whose type is an enum: recreating the type must convert it."""

    table: str
    column: Column


@dataclass(frozen=True)
class ReplaceEnum(Operation):
    """Recreate an enum type with other values (PostgreSQL cannot drop or reorder values):
    rename the old type away, create the new one, convert every column using it, drop the old."""

    old: Enum
    new: Enum
    usages: tuple[EnumUsage, ...] = ()

    def reverse(self) -> Operation:
        return ReplaceEnum(self.new, self.old, self.usages)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.new.name, *(f"{u.table}.{u.column.name}" for u in self.usages))


@dataclass(frozen=True)
class AddEnumValue(Operation):
    """`ALTER TYPE ... ADD VALUE`. PostgreSQL cannot remove an enum value, so the reverse is not
    an ALTER: it recreates the type without the value (`ReplaceEnum`), which fails, as it
    should, while a row still holds the value."""

    old: Enum
    new: Enum
    value: str
    usages: tuple[EnumUsage, ...] = ()

    def reverse(self) -> Operation:
        return ReplaceEnum(self.new, self.old, self.usages)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.new.name,)

    @property
    def before(self) -> str | None:
        """The existing value the new one goes before (None: it goes last)."""
        values = self.new.values
        following = values[values.index(self.value) + 1 :]
        return next((v for v in following if v in self.old.values), None)


@dataclass(frozen=True)
class CreateExtension(Operation):
    """PostgreSQL CREATE EXTENSION (its types, functions and operators come with it)."""

    name: str

    def reverse(self) -> Operation:
        return DropExtension(self.name)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class DropExtension(Operation):
    name: str

    def reverse(self) -> Operation:
        return CreateExtension(self.name)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class CreateSequence(Operation):
    sequence: Sequence

    def reverse(self) -> Operation:
        return DropSequence(self.sequence)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.sequence.name,)


@dataclass(frozen=True)
class DropSequence(Operation):
    sequence: Sequence

    def reverse(self) -> Operation:
        return CreateSequence(self.sequence)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.sequence.name,)


@dataclass(frozen=True)
class AlterSequence(Operation):
    """Start, increment or OWNED BY of an existing sequence."""

    old: Sequence
    new: Sequence

    def reverse(self) -> Operation:
        return AlterSequence(self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.new.name,)


def unowned(sequence: Sequence) -> Sequence:
    return replace(sequence, owned_by=None)


@dataclass(frozen=True)
class Statement(Operation):
    """A statement the plan cannot describe as a schema object (a data copy); only ever part
    of a `Composite`, which says how it is undone."""

    sql: str

    def reverse(self) -> Operation:
        raise NotImplementedError("a Statement is undone by the Composite holding it")

    @property
    def objects(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Composite(Operation):
    """Operations done together whose undo is not their reverses one by one: expand/contract
    drops an old column, and its undo brings it back nullable, copies the values back from
    the new column, then restores NOT NULL and the default."""

    parts: tuple[Operation, ...]
    undo: tuple[Operation, ...]

    def reverse(self) -> Operation:
        return Composite(self.undo, self.parts)

    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o for p in self.parts for o in p.objects))
