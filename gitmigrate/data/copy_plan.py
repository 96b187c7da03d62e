"""The values `data copy` passes around: what to copy (CopySpec), the plan worked out from both
databases (CopyPlan, stored in the engine's checkpoints as JSON), and where a copy stands.

Key values go through JSON in checkpoints and in the record table; `encode_value` tags the
types JSON lacks (Decimal, dates, bytes, UUID) so they come back as the same Python values.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class CopySpec:
    tables: tuple[str, ...] | None  # None: every table of the source (not gitmigrate_*)
    mapping: Mapping[str, str] = field(default_factory=dict)  # source table -> target table
    where: str | None = None  # SQL filter on the source, the same for every table
    batch_size: int = 10000
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # table -> chunk key


@dataclass(frozen=True)
class TablePlan:
    source: str
    target: str
    key: tuple[str, ...]  # source column names
    columns: tuple[str, ...]  # source column names, in the order they are read
    created: bool  # the copy creates the target table (else it records the keys it inserts)
    target_columns: tuple[str, ...] = ()  # the same columns as the target spells them
    converters: tuple[str | None, ...] = ()  # per column, a name in loaders.CONVERTERS
    families: tuple[str | None, ...] = ()  # per column, its typemap family on the source

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "key": list(self.key),
            "columns": list(self.columns),
            "created": self.created,
            "target_columns": list(self.target_columns),
            "converters": list(self.converters),
            "families": list(self.families),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TablePlan:
        return cls(
            source=str(d["source"]),
            target=str(d["target"]),
            key=tuple(d["key"]),
            columns=tuple(d["columns"]),
            created=bool(d["created"]),
            target_columns=tuple(d.get("target_columns") or d["columns"]),
            converters=tuple(d.get("converters") or [None] * len(d["columns"])),
            families=tuple(d.get("families") or [None] * len(d["columns"])),
        )


@dataclass(frozen=True)
class CopyPlan:
    tables: tuple[TablePlan, ...]  # foreign-key order, referenced tables first
    before: tuple[str, ...]  # target DDL before loading (CREATE TABLE, the record table)
    after: tuple[str, ...]  # after loading: indexes, foreign keys, sequence resets
    source_dialect: str = ""
    target_dialect: str = ""
    where: str | None = None
    record_table: str | None = None  # set when a pre-existing table is filled
    notes: tuple[str, ...] = ()  # type mappings and what the target does not get (copy_notes)
    # indexes/foreign keys added to tables that existed: (kind "index"|"fk", table, name)
    added: tuple[tuple[str, str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "tables": [t.to_json() for t in self.tables],
            "before": list(self.before),
            "after": list(self.after),
            "source_dialect": self.source_dialect,
            "target_dialect": self.target_dialect,
            "where": self.where,
            "record_table": self.record_table,
            "notes": list(self.notes),
            "added": [list(a) for a in self.added],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CopyPlan:
        return cls(
            tables=tuple(TablePlan.from_json(t) for t in d["tables"]),
            before=tuple(d["before"]),
            after=tuple(d["after"]),
            source_dialect=str(d.get("source_dialect", "")),
            target_dialect=str(d.get("target_dialect", "")),
            where=d.get("where"),
            record_table=d.get("record_table"),
            notes=tuple(d.get("notes") or ()),
            added=tuple((str(a[0]), str(a[1]), str(a[2])) for a in d.get("added") or ()),
        )


@dataclass(frozen=True)
class CopyPosition:
    """The last key copied (and committed) of table `table_index` of the plan."""

    table_index: int
    last_key: tuple[Any, ...] | None

    def to_json(self) -> dict[str, Any]:
        key = None if self.last_key is None else [encode_value(v) for v in self.last_key]
        return {"table_index": self.table_index, "last_key": key}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CopyPosition:
        key = d.get("last_key")
        return cls(int(d["table_index"]), None if key is None else decode_key(key))


@dataclass(frozen=True)
class CopyChunk:
    position: CopyPosition
    table: str  # target table name
    rows: int


def encode_value(value: Any) -> Any:
    """A JSON-safe form of a key value; tagged when JSON has no such type."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$timedelta": value.total_seconds()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    return {"$str": str(value)}


_DECODERS: dict[str, Any] = {
    "$float": float,
    "$decimal": Decimal,
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$timedelta": lambda s: dt.timedelta(seconds=s),
    "$bytes": base64.b64decode,
    "$uuid": uuid.UUID,
    "$str": str,
}


def decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag in _DECODERS:
            return _DECODERS[tag](raw)
    return value


def decode_key(values: list[Any]) -> tuple[Any, ...]:
    return tuple(decode_value(v) for v in values)
