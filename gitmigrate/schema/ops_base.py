"""The base of every schema operation and the two generic ones (a plain statement, a composite
with its own undo); ops.py has the table operations, ops_objects.py the other objects."""

from __future__ import annotations

from dataclasses import dataclass


class Operation:
    """Base of every operation: frozen data with `reverse()` and the objects it touches."""

    def reverse(self) -> Operation:
        raise NotImplementedError

    @property
    def objects(self) -> tuple[str, ...]:
        raise NotImplementedError


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
