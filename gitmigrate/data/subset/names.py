"""Where each table of a subset lands on the target, and how its name is quoted on either side.

PostgreSQL -> PostgreSQL keeps schemas. A MariaDB target gets one database per source schema
(the default schema goes to the target URL's database). A SQLite target has one namespace, so
a table of a named schema becomes `schema__table` (the default schema's tables keep their plain
names). MariaDB -> PostgreSQL maps databases to schemas. `schema_map` renames a schema on the
way (`{"sales" = "sales_copy"}`). The names are recorded in the plan, the note and every
checkpoint, so a resume or a rollback never recomputes them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.data.subset.model import QName
from gitmigrate.schema.render import quote

_LIMIT = 60


@dataclass(frozen=True, order=True)
class TargetName:
    """A table on the target: its schema (PostgreSQL) or database (MariaDB), None for the
    connection's own, and its name."""

    schema: str | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def quoted(self, dialect: str) -> str:
        return qualified(self.schema, self.name, dialect)

    def to_json(self) -> list[str | None]:
        return [self.schema, self.name]

    @classmethod
    def from_json(cls, value: Any) -> TargetName:
        return cls(value[0], str(value[1]))


def qualified(schema: str | None, name: str, dialect: str) -> str:
    """`"schema"."name"` (or `"name"`), every part quoted for `dialect`."""
    if schema is None:
        return quote(name, dialect)
    return f"{quote(schema, dialect)}.{quote(name, dialect)}"


def source_quoted(table: QName, dialect: str) -> str:
    return qualified(table.schema, table.name, dialect)


def target_names(
    tables: Iterable[QName], target_dialect: str, schema_map: Mapping[str, str] | None = None
) -> dict[QName, TargetName]:
    """The target name of each source table (see the module docstring)."""
    renames = dict(schema_map or {})
    out: dict[QName, TargetName] = {}
    for table in tables:
        schema = None if table.schema is None else renames.get(table.schema, table.schema)
        if target_dialect == "sqlite":
            name = table.name if schema is None else f"{schema}__{table.name}"
            out[table] = TargetName(None, name)
        else:
            out[table] = TargetName(schema, table.name)
    return out


def target_schemas(names: Iterable[TargetName]) -> list[str]:
    """The schemas (databases) the target needs besides its own, in a stable order."""
    return sorted({n.schema for n in names if n.schema is not None})


def stage_table_name(step_id: str) -> str:
    """The target table holding a subset's planned keys, per step (`gitmigrate_subset_<step>`),
    within PostgreSQL's 63 and MySQL's 64 characters (a hash suffix when cut)."""
    migration, _, seq = step_id.rpartition("/")
    stem = re.sub(r"[^a-z0-9]+", "_", migration.lower()).strip("_") or "m"
    name = f"gitmigrate_subset_{stem}_{seq}"
    if len(name) <= _LIMIT:
        return name
    digest = hashlib.sha1(step_id.encode()).hexdigest()[:8]
    keep = _LIMIT - len("gitmigrate_subset") - len(seq) - len(digest) - 3
    return f"gitmigrate_subset_{stem[:keep]}_{digest}_{seq}"
