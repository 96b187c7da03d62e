"""Schema operations: pure descriptions of one change, each knowing its exact reverse.

As in Alembic's `ops.py`, an operation that destroys something keeps the whole object
(`DropTable` holds the `Table`, `DropColumn` the `Column`), so its reverse can rebuild it and the
rollback of a generated step is the inverse of its plan, operation by operation. Rendering to
DDL is elsewhere (`render.py`): the plan is dialect-neutral data.

This module holds the table operations; the base and the generic operations are in
ops_base.py, those of views, enums, extensions and sequences in ops_objects.py, all re-exported
here so that `ops.X` names every operation.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from gitmigrate.schema.ops_base import Composite, Operation, Statement
from gitmigrate.schema.ops_mysql import Repartition
from gitmigrate.schema.ops_objects import (
    AddEnumValue,
    AlterObject,
    AlterSequence,
    CreateEnum,
    CreateExtension,
    CreateObject,
    CreateSequence,
    CreateView,
    DropEnum,
    DropExtension,
    DropObject,
    DropSequence,
    DropView,
    EnumUsage,
    ReplaceEnum,
    unowned,
)
from gitmigrate.schema.ops_partitions import AttachPartition, DetachPartition


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
    # PostgreSQL partitioned table: its partitions when the index is made (None: not one),
    # which the online form indexes one by one
    partitions: tuple[str, ...] | None = None

    def reverse(self) -> Operation:
        return DropIndex(self.table, self.index, self.partitions)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table, self.index.name)


@dataclass(frozen=True)
class DropIndex(Operation):
    table: str
    index: Index
    partitions: tuple[str, ...] | None = None  # as in CreateIndex

    def reverse(self) -> Operation:
        return CreateIndex(self.table, self.index, self.partitions)

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


__all__ = [
    "AddCheck",
    "AddColumn",
    "AddEnumValue",
    "AddForeignKey",
    "AddPrimaryKey",
    "AddUnique",
    "AlterColumn",
    "AlterObject",
    "AlterSequence",
    "AttachPartition",
    "Composite",
    "CreateEnum",
    "CreateExtension",
    "CreateIndex",
    "CreateObject",
    "CreateSequence",
    "CreateTable",
    "CreateView",
    "DetachPartition",
    "DropCheck",
    "DropColumn",
    "DropEnum",
    "DropExtension",
    "DropForeignKey",
    "DropIndex",
    "DropObject",
    "DropPrimaryKey",
    "DropSequence",
    "DropTable",
    "DropUnique",
    "DropView",
    "EnumUsage",
    "Operation",
    "RebuildTable",
    "RenameColumn",
    "RenameTable",
    "Repartition",
    "ReplaceEnum",
    "SetTableComment",
    "Statement",
    "unowned",
]
