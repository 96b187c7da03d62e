"""The load plan of a subset: from the closure (which rows) and the source's tables (their
shape), what the target gets — its table names, the DDL before and after loading, each table's
columns, converters and deferred foreign keys — worked out before anything is written.

Target tables are created with their foreign keys before loading, so the database enforces
them while rows arrive (parents first; the closure's broken edges are loaded NULL and set in
the fix-up phase). Secondary indexes and sequence resets come after loading. The DDL of one
source table is the data copy's (`copy_ddl`): types mapped between dialects, identity kept.
A plan is plain JSON in every checkpoint: a resume or rollback never recomputes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, inspect

from gitmigrate.data import copy_ddl, typemap
from gitmigrate.data.loaders import converter_for
from gitmigrate.data.subset.model import Closure, Edge, QName, SubsetTable
from gitmigrate.data.subset.names import (
    TargetName,
    qualified,
    stage_table_name,
    target_names,
    target_schemas,
)
from gitmigrate.data.subset.staging import stage_ddl
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import ForeignKey, Index, Table
from gitmigrate.schema.render import quote


@dataclass(frozen=True)
class LoadTable:
    """One table as the load needs it: where it goes, what is read, how values convert."""

    source: QName
    target: TargetName
    key: tuple[str, ...]
    columns: tuple[str, ...]  # read from the source and written to the target, in order
    converters: tuple[str | None, ...]  # per column, a name in loaders.CONVERTERS
    types: tuple[str, ...]  # per column, the source's type (masking keeps values fitting it)
    unique: tuple[str, ...]  # columns of a primary or unique key (masked values stay unique)
    rows: int
    deferred: tuple[Edge, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.to_json(),
            "target": self.target.to_json(),
            "key": list(self.key),
            "columns": list(self.columns),
            "converters": list(self.converters),
            "types": list(self.types),
            "unique": list(self.unique),
            "rows": self.rows,
            "deferred": [e.to_json() for e in self.deferred],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> LoadTable:
        return cls(
            source=QName.from_json(d["source"]),
            target=TargetName.from_json(d["target"]),
            key=tuple(d["key"]),
            columns=tuple(d["columns"]),
            converters=tuple(d["converters"]),
            types=tuple(d["types"]),
            unique=tuple(d["unique"]),
            rows=int(d["rows"]),
            deferred=tuple(Edge.from_json(e) for e in d.get("deferred", [])),
        )


@dataclass(frozen=True)
class SubsetPlan:
    tables: tuple[LoadTable, ...]  # load order
    edges: tuple[Edge, ...]
    broken: tuple[Edge, ...]
    before: tuple[str, ...]  # schemas, tables, their foreign keys, the staging table
    after: tuple[str, ...]  # secondary indexes, sequence resets
    source_dialect: str
    target_dialect: str
    stage: str
    schemas: tuple[str, ...] = ()  # schemas (MariaDB: databases) the step creates
    dropped: tuple[str, ...] = ()  # foreign keys not created: their parent is not copied

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "tables": [t.to_json() for t in self.tables],
            "edges": [e.to_json() for e in self.edges],
            "broken": [e.to_json() for e in self.broken],
            "before": list(self.before),
            "after": list(self.after),
            "source_dialect": self.source_dialect,
            "target_dialect": self.target_dialect,
            "stage": self.stage,
            "schemas": list(self.schemas),
            "dropped": list(self.dropped),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SubsetPlan:
        return cls(
            tables=tuple(LoadTable.from_json(t) for t in d["tables"]),
            edges=tuple(Edge.from_json(e) for e in d["edges"]),
            broken=tuple(Edge.from_json(e) for e in d["broken"]),
            before=tuple(d["before"]),
            after=tuple(d["after"]),
            source_dialect=str(d["source_dialect"]),
            target_dialect=str(d["target_dialect"]),
            stage=str(d["stage"]),
            schemas=tuple(d.get("schemas", [])),
            dropped=tuple(d.get("dropped", [])),
        )

    def summary(self) -> dict[str, Any]:
        """What the note shows: per table its source, target and rows; the broken edges."""
        return {
            "source_dialect": self.source_dialect,
            "target_dialect": self.target_dialect,
            "tables": [
                {"source": t.source.label, "target": t.target.label, "rows": t.rows}
                for t in self.tables
            ],
            "rows": self.total_rows,
            "broken": [e.label for e in self.broken],
            "schemas": list(self.schemas),
            "dropped_foreign_keys": list(self.dropped),
        }


def plan_subset(
    closure: Closure,
    tables: Mapping[QName, Table],
    target: Connection,
    *,
    source_dialect: str,
    step_id: str,
    schema_map: Mapping[str, str] | None = None,
) -> SubsetPlan:
    """The plan of loading `closure` into `target`; reads the target, changes nothing. A table
    that already exists on the target is refused (a subset fills fresh tables only)."""
    dst = target.dialect.name
    dst = "mysql" if dst == "mariadb" else dst
    order = [t.source for t in closure.tables]
    names = target_names(order, dst, schema_map)
    schemas = target_schemas(names.values())
    created_schemas = _missing_schemas(target, schemas)
    _refuse_existing(target, names, created_schemas)
    holders = {qn: f"gm_subset_t{i}_" for i, qn in enumerate(order)}
    before = [_create_schema(s, dst) for s in created_schemas]
    foreign: list[str] = []
    indexes: list[str] = []
    resets: list[str] = []
    dropped: list[str] = []
    loads: list[LoadTable] = []
    for index, item in enumerate(closure.tables):
        source = _serials(_source_table(tables, item.source), source_dialect)
        created = copy_ddl.target_table(
            source, holders[item.source], source_dialect, dst, lambda r: r
        )
        fks, lost = _foreign_keys(source, item.source, closure.edges, holders)
        dropped += lost
        created = replace(created, foreign_keys=fks)
        if dst == "sqlite" and item.source.schema is not None:
            created = replace(created, indexes=_prefixed(created.indexes, item.source.schema))
        before += copy_ddl.before_statements(created, dst)
        more_indexes, more_fks = copy_ddl.after_statements(created, dst)
        foreign += more_fks
        indexes += more_indexes
        for col in created.columns:
            if col.identity and (sql := copy_ddl.identity_reset(created.name, col.name, dst)):
                resets.append(sql)
        loads.append(_load_table(index, item, source, names[item.source], source_dialect, dst))
    stage = stage_table_name(step_id)
    home = _home_database(target, dst, names.values())
    swap = {
        quote(h, dst): qualified(names[qn].schema or home, names[qn].name, dst)
        for qn, h in holders.items()
    }
    return SubsetPlan(
        tables=tuple(loads),
        edges=closure.edges,
        broken=closure.broken,
        # the staging table first: on MariaDB its presence marks an interrupted plan
        before=(stage_ddl(stage, dst), *(_swap(s, swap) for s in [*before, *foreign])),
        after=tuple(_swap(s, swap) for s in [*indexes, *resets]),
        source_dialect=source_dialect,
        target_dialect=dst,
        stage=stage,
        schemas=tuple(created_schemas),
        dropped=tuple(dropped),
    )


def _source_table(tables: Mapping[QName, Table], name: QName) -> Table:
    found = tables.get(name)
    if found is None:
        raise UsageError(
            f"table {name.label} of the subset was not found on the source",
            "check the source, or name its schema with --schema",
        )
    return found


def _serials(table: Table, dialect: str) -> Table:
    """A PostgreSQL column drawing from a sequence (`nextval(...)`, as serial columns of a
    schema outside the search path reflect) is an identity column: the target gets its own
    sequence instead of a default naming one that does not exist there."""
    if dialect != "postgresql":
        return table
    columns = tuple(
        replace(c, identity=True, default=None)
        if (c.default or "").lower().startswith("nextval(")
        else c
        for c in table.columns
    )
    return replace(table, columns=columns)


def _load_table(
    index: int, item: SubsetTable, source: Table, target: TargetName, src: str, dst: str
) -> LoadTable:
    wanted = {c.lower() for c in item.columns} if item.columns else None
    loaded = [
        c
        for c in source.columns
        if (c.generated is None or src != dst) and (wanted is None or c.name.lower() in wanted)
    ]
    families = [typemap.family(c.type, src) for c in loaded]
    unique: set[str] = set(source.primary_key.columns if source.primary_key else ())
    for constraint in source.unique_constraints:
        unique.update(constraint.columns)
    for found in source.indexes:
        if found.unique and not found.expressions:
            unique.update(found.columns)
    return LoadTable(
        source=item.source,
        target=target,
        key=item.key,
        columns=tuple(c.name for c in loaded),
        converters=tuple(converter_for(f.name if f else None, src, dst) for f in families),
        types=tuple(c.type for c in loaded),
        unique=tuple(sorted(unique)),
        rows=item.rows,
        deferred=item.deferred,
    )


def _foreign_keys(
    table: Table, name: QName, edges: Sequence[Edge], holders: Mapping[QName, str]
) -> tuple[tuple[ForeignKey, ...], list[str]]:
    """The table's foreign keys pointing at the target's placeholders; those whose parent is
    not part of the subset are left out (and named)."""
    kept: list[ForeignKey] = []
    lost: list[str] = []
    for fk in table.foreign_keys:
        edge = next(
            (
                e
                for e in edges
                if e.child == name
                and tuple(c.lower() for c in e.columns) == tuple(c.lower() for c in fk.columns)
                and tuple(c.lower() for c in e.ref_columns)
                == tuple(c.lower() for c in fk.ref_columns)
            ),
            None,
        )
        if edge is None or edge.parent not in holders:
            lost.append(f"{name.label}({', '.join(fk.columns)}) -> {fk.ref_table}")
            continue
        kept.append(replace(fk, ref_table=holders[edge.parent], ref_schema=None))
    return tuple(kept), lost


def _prefixed(indexes: tuple[Index, ...], schema: str) -> tuple[Index, ...]:
    """SQLite index names share one namespace: a named schema's get its prefix too."""
    return tuple(replace(i, name=f"{schema}__{i.name}") for i in indexes)


def _home_database(target: Connection, dialect: str, names: Any) -> str | None:
    """MariaDB resolves an unqualified table in a foreign key against the child's database, not
    the connection's: once several databases are involved, the default one is named too."""
    if dialect != "mysql" or all(n.schema is None for n in names):
        return None
    found = target.exec_driver_sql("SELECT DATABASE()").scalar()
    return str(found) if found else None


def _swap(sql: str, swap: Mapping[str, str]) -> str:
    for holder, real in swap.items():
        sql = sql.replace(holder, real)
    return sql


def _create_schema(schema: str, dialect: str) -> str:
    word = "DATABASE" if dialect == "mysql" else "SCHEMA"
    return f"CREATE {word} {quote(schema, dialect)}"


def _missing_schemas(target: Connection, schemas: Sequence[str]) -> list[str]:
    if not schemas:
        return []
    if target.dialect.name == "sqlite":
        return []
    have = {s.lower() for s in inspect(target).get_schema_names()}
    return [s for s in schemas if s.lower() not in have]


def _refuse_existing(
    target: Connection, names: Mapping[QName, TargetName], missing: Sequence[str]
) -> None:
    inspector = inspect(target)
    by_schema: dict[str | None, set[str]] = {}
    for name in names.values():
        if name.schema in missing:
            continue
        if name.schema not in by_schema:
            by_schema[name.schema] = {
                t.lower() for t in inspector.get_table_names(schema=name.schema)
            }
        if name.name.lower() in by_schema[name.schema]:
            dialect = target.dialect.name
            raise UsageError(
                f"table {name.label} already exists on the target"
                f" ({qualified(name.schema, name.name, dialect)}); a subset fills new tables only",
                "drop it (or its schema) on the target, or load into another database or"
                " schema (schema_map)",
            )
