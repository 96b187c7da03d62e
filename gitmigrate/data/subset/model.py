"""The values a subset passes between its parts: tables by qualified name, the foreign keys
between them, the root queries, and the closure (which rows of which table, in load order).

The graph (graph.py) and the closure (closure.py) read the source only; the load (load.py and
step.py) writes the target. These values are what they agree on, and what the step's note and
checkpoints record (`to_json`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Key = tuple[Any, ...]  # one row's key values, in the order of SubsetTable.key


@dataclass(frozen=True, order=True)
class QName:
    """A table of the source: its schema (None: the connection's default schema) and name,
    both spelled as the source's catalog spells them."""

    schema: str | None
    name: str

    @property
    def label(self) -> str:
        """`schema.name`, or `name` in the default schema: what users write and notes show."""
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def to_json(self) -> list[str | None]:
        return [self.schema, self.name]

    @classmethod
    def from_json(cls, value: Any) -> QName:
        return cls(value[0], str(value[1]))


@dataclass(frozen=True)
class Edge:
    """One foreign key: `child(columns)` references `parent(ref_columns)`."""

    child: QName
    columns: tuple[str, ...]
    parent: QName
    ref_columns: tuple[str, ...]
    nullable: bool  # every one of `columns` may be NULL: the edge can be loaded NULL, fixed later
    deferrable: bool = False  # PostgreSQL DEFERRABLE on the source
    name: str | None = None

    @property
    def label(self) -> str:
        cols, refs = ", ".join(self.columns), ", ".join(self.ref_columns)
        return f"{self.child.label}({cols}) -> {self.parent.label}({refs})"

    def to_json(self) -> dict[str, Any]:
        return {
            "child": self.child.to_json(),
            "columns": list(self.columns),
            "parent": self.parent.to_json(),
            "ref_columns": list(self.ref_columns),
            "nullable": self.nullable,
            "deferrable": self.deferrable,
            "name": self.name,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Edge:
        return cls(
            child=QName.from_json(d["child"]),
            columns=tuple(d["columns"]),
            parent=QName.from_json(d["parent"]),
            ref_columns=tuple(d["ref_columns"]),
            nullable=bool(d["nullable"]),
            deferrable=bool(d.get("deferrable", False)),
            name=d.get("name"),
        )


@dataclass(frozen=True)
class Root:
    """One `--root "TABLE [WHERE condition]"`: the rows a subset starts from."""

    table: QName
    where: str | None  # a condition in the source's SQL; None: every row (before --percent)
    text: str  # as the user wrote it, for messages and the note


@dataclass(frozen=True)
class SubsetTable:
    """One table of the closure, as the load needs it."""

    source: QName
    key: tuple[str, ...]  # the columns rows are identified and chunked by
    columns: tuple[str, ...]  # every column read from the source, in order
    rows: int  # rows of the closure in this table (the plan the note records)
    deferred: tuple[Edge, ...] = ()  # edges of this table loaded NULL and fixed up afterwards

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.to_json(),
            "key": list(self.key),
            "columns": list(self.columns),
            "rows": self.rows,
            "deferred": [e.to_json() for e in self.deferred],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SubsetTable:
        return cls(
            source=QName.from_json(d["source"]),
            key=tuple(d["key"]),
            columns=tuple(d["columns"]),
            rows=int(d["rows"]),
            deferred=tuple(Edge.from_json(e) for e in d.get("deferred", [])),
        )


@dataclass
class Closure:
    """The rows a subset copies: per table its keys, in an order that loads with foreign keys
    enforced (parents before children; within a table, a row's self-referenced parent first),
    given that the `broken` edges are loaded NULL and set after every table is loaded."""

    tables: tuple[SubsetTable, ...]  # load order
    keys: dict[QName, list[Key]] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()  # every foreign key among the closure's tables
    broken: tuple[Edge, ...] = ()  # the edges loaded NULL, then fixed up

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def plan_json(self) -> dict[str, Any]:
        """What the note and the checkpoints carry: everything but the keys themselves."""
        return {
            "tables": [t.to_json() for t in self.tables],
            "edges": [e.to_json() for e in self.edges],
            "broken": [e.to_json() for e in self.broken],
        }
