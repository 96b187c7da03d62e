"""Operations on schema objects other than tables: views, enums, extensions, sequences and the
objects kept as the server's own definition (`DbObject`); see ops.py, whose namespace
re-exports them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from gitmigrate.schema.model import Column, DbObject, Enum, Sequence, View
from gitmigrate.schema.ops_base import Operation


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
class CreateObject(Operation):
    """Run a `DbObject`'s own `create` statements."""

    obj: DbObject

    def reverse(self) -> Operation:
        return DropObject(self.obj)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.obj.name,)


@dataclass(frozen=True)
class DropObject(Operation):
    obj: DbObject

    def reverse(self) -> Operation:
        return CreateObject(self.obj)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.obj.name,)


@dataclass(frozen=True)
class AlterObject(Operation):
    """Change a `DbObject` in place: `statements` turn `old` into `new`, `undo` turns it back
    (both from `objects.alter_statements`)."""

    old: DbObject
    new: DbObject
    statements: tuple[str, ...]
    undo: tuple[str, ...]

    def reverse(self) -> Operation:
        return AlterObject(self.new, self.old, self.undo, self.statements)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.new.name,)
