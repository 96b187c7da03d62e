"""The source's tables and foreign keys as one graph, across schemas: what a subset walks.

load_graph reflects the default schema, the schemas the user names, and every schema a foreign
key reaches from those (PostgreSQL schemas, MariaDB databases; SQLite has its main database
only). Tables are named by QName with schema None for the default schema, so `orders` and
`public.orders` are one table. load_order (graph_order.py) puts them in an order that loads with
foreign keys enforced.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from gitmigrate.data.subset.graph_order import load_order, table_order
from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.data.subset.roots import root_table
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Table
from gitmigrate.schema.reflect import dialect_of, reflect_schema

__all__ = ["SourceGraph", "load_graph", "load_order", "split_name"]


@dataclass
class SourceGraph:
    """Every table reflected and every foreign key among them."""

    dialect: str
    tables: dict[QName, Table]
    edges: tuple[Edge, ...]
    given_keys: dict[QName, tuple[str, ...]] = field(default_factory=dict)  # --key
    default_schema: str | None = None  # its real name (public, the MariaDB database)
    _children: dict[QName, list[Edge]] = field(default_factory=dict, repr=False)
    _parents: dict[QName, list[Edge]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for edge in self.edges:
            self._children.setdefault(edge.parent, []).append(edge)
            self._parents.setdefault(edge.child, []).append(edge)

    def resolve(self, name: str | QName) -> QName:
        """The table a user means by `name` (`orders`, `sales.orders`; case-insensitive where
        the spelling is not exact; on SQLite `sales.orders` is `sales__orders`)."""
        qname = name if isinstance(name, QName) else split_name(name)
        for candidate in self._spellings(qname):
            if candidate in self.tables:
                return candidate
        folded = [
            t
            for t in self.tables
            for c in self._spellings(qname)
            if t.name.lower() == c.name.lower()
            and (t.schema or "").lower() == (c.schema or "").lower()
        ]
        unique = sorted(set(folded), key=table_order)
        if len(unique) == 1:
            return unique[0]
        known = ", ".join(t.label for t in sorted(self.tables, key=table_order)[:30])
        more = " …" if len(self.tables) > 30 else ""
        what = "is ambiguous" if unique else "is not a table of the source"
        raise UsageError(
            f"{qname.label} {what}; known tables: {known or '(none)'}{more}",
            "name a schema the source has with --schema, or fix the spelling",
        )

    def _spellings(self, qname: QName) -> list[QName]:
        out = [qname]
        if qname.schema is not None and self.default_schema is not None:
            if qname.schema.lower() == self.default_schema.lower():
                out.append(QName(None, qname.name))
        if qname.schema is not None and self.dialect == "sqlite":
            out.append(QName(None, f"{qname.schema}__{qname.name}"))
        return out

    def key(self, table: QName) -> tuple[str, ...]:
        """The columns a row is identified by: --key, else the primary key, else a unique
        NOT NULL key."""
        given = self.given_keys.get(table)
        if given:
            return given
        found = self.tables[table]
        if found.primary_key is not None and found.primary_key.columns:
            return found.primary_key.columns
        for columns in _unique_sets(found):
            if all((c := found.column(n)) is not None and not c.nullable for n in columns):
                return columns
        raise UsageError(
            f"table {table.label} has no primary key: name one with --key {table.label}:COL[,COL]",
            "columns that identify its rows; a unique NOT NULL key would be used by itself",
        )

    def columns(self, table: QName) -> tuple[str, ...]:
        return tuple(c.name for c in self.tables[table].columns)

    def children(self, table: QName) -> list[Edge]:
        return list(self._children.get(table, ()))

    def parents(self, table: QName) -> list[Edge]:
        return list(self._parents.get(table, ()))


def split_name(name: str) -> QName:
    """`sales.orders` -> QName("sales", "orders"); quotes around either part are dropped."""
    text_ = name.strip()
    parts = [p.strip().strip('"`') for p in text_.split(".", 1)] if "." in text_ else [text_]
    if len(parts) == 2 and parts[0] and parts[1]:
        return QName(parts[0], parts[1])
    return QName(None, text_.strip('"`'))


def load_graph(
    conn: Connection,
    *,
    start: Sequence[str],
    schemas: Sequence[str] = (),
    keys: Mapping[str, Sequence[str]] | None = None,
) -> SourceGraph:
    """Reflect the default schema, the schemas of `start` (root texts, follow names) and
    `schemas`, and every schema joined to them by foreign keys either way (parents across
    schemas must come along; children across schemas may be followed)."""
    dialect = dialect_of(conn)
    default = _default_schema(conn, dialect)
    existing = _existing_schemas(conn, dialect)
    wanted: list[str | None] = [None]
    named = list(schemas) + [s for s in _schemas_of(start) if s]
    named += [s for s in _schemas_of(list((keys or {}).keys())) if s]
    for name in named:
        wanted.append(_schema_name(name, existing, default, dialect, explicit=name in schemas))
    tables: dict[QName, Table] = {}
    done: set[str | None] = set()
    while wanted:
        schema = wanted.pop(0)
        if schema in done or dialect == "sqlite" and schema is not None:
            continue
        done.add(schema)
        reached: list[str | None] = []
        for table in reflect_schema(conn, schema).tables:
            tables[QName(schema, table.name)] = table
            reached += [_norm_schema(fk.ref_schema, default) for fk in table.foreign_keys]
        reached += _referencing(conn, dialect, schema or default, default)
        wanted += [s for s in reached if s not in done and s in existing | {None}]
    edges = _edges(
        tables, default, _pg_deferrable(conn, default) if dialect == "postgresql" else set()
    )
    graph = SourceGraph(dialect, tables, edges, default_schema=default)
    graph.given_keys = _given_keys(graph, keys or {})
    return graph


def _schemas_of(names: Iterable[str]) -> list[str | None]:
    found = (root_table(n) for n in names if n.strip() != "*")
    return [t.schema for t in found if t is not None]


def _referencing(
    conn: Connection, dialect: str, schema: str | None, default: str | None
) -> list[str | None]:
    """The schemas holding foreign keys into `schema`: their tables are its children."""
    if dialect == "postgresql":
        sql = (
            "SELECT DISTINCT cn.nspname FROM pg_constraint c "
            "JOIN pg_class cl ON cl.oid = c.conrelid "
            "JOIN pg_namespace cn ON cn.oid = cl.relnamespace "
            "JOIN pg_class rl ON rl.oid = c.confrelid "
            "JOIN pg_namespace rn ON rn.oid = rl.relnamespace "
            "WHERE c.contype = 'f' AND rn.nspname = :schema"
        )
    elif dialect == "mysql":
        sql = (
            "SELECT DISTINCT TABLE_SCHEMA FROM information_schema.KEY_COLUMN_USAGE "
            "WHERE REFERENCED_TABLE_SCHEMA = :schema"
        )
    else:
        return []
    found = conn.execute(text(sql), {"schema": schema}).scalars()
    return [_norm_schema(str(s), default) for s in found]


def _pg_deferrable(conn: Connection, default: str | None) -> set[tuple[str | None, str]]:
    """(schema, constraint name) of the DEFERRABLE foreign keys (the inspector drops it)."""
    rows = conn.execute(
        text(
            "SELECT n.nspname, c.conname FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND c.condeferrable"
        )
    )
    return {(_norm_schema(str(r[0]), default), str(r[1])) for r in rows}


def _default_schema(conn: Connection, dialect: str) -> str | None:
    if dialect == "postgresql":
        return str(conn.execute(text("SELECT current_schema()")).scalar_one())
    if dialect == "mysql":
        value = conn.execute(text("SELECT DATABASE()")).scalar()
        return str(value) if value is not None else None
    return None


def _existing_schemas(conn: Connection, dialect: str) -> set[str | None]:
    if dialect == "postgresql":
        sql = "SELECT nspname FROM pg_namespace"
    elif dialect == "mysql":
        sql = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
    else:
        return {None}
    return {str(r[0]) for r in conn.execute(text(sql))}


def _schema_name(
    name: str, existing: set[str | None], default: str | None, dialect: str, *, explicit: bool
) -> str | None:
    """The schema's catalog spelling (None: the default schema); an unknown explicit --schema is
    an error, an unknown schema part of a table name is left for resolve() to report."""
    if dialect == "sqlite":
        return None
    if name in existing:
        return _norm_schema(name, default)
    folded = [s for s in existing if s is not None and s.lower() == name.lower()]
    if len(folded) == 1:
        return _norm_schema(folded[0], default)
    if explicit:
        names = sorted(s for s in existing if s and not _system_schema(s))
        near = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        names = near + [n for n in names if n not in near]
        known = ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
        raise UsageError(
            f"schema {name} does not exist on the source; schemas there: {known}",
            "fix the --schema name",
        )
    return None


def _system_schema(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("pg_", "information_schema")) or lowered in (
        "mysql",
        "performance_schema",
        "sys",
    )


def _norm_schema(schema: str | None, default: str | None) -> str | None:
    return None if schema is None or schema == default else schema


def _edges(
    tables: Mapping[QName, Table], default: str | None, deferrable: set[tuple[str | None, str]]
) -> tuple[Edge, ...]:
    lookup = {(t.schema, t.name.lower()): t for t in tables}
    out = []
    for child, table in sorted(tables.items(), key=lambda item: table_order(item[0])):
        for fk in table.foreign_keys:
            schema = _norm_schema(fk.ref_schema, default)
            parent = QName(schema, fk.ref_table)
            if parent not in tables:
                found = lookup.get((schema, fk.ref_table.lower()))
                if found is None:
                    continue  # a schema we may not read: nothing of it can be copied anyway
                parent = found
            ref_columns = fk.ref_columns or _key_or_empty(tables[parent])
            nullable = all((c := table.column(n)) is None or c.nullable for n in fk.columns)
            late = (child.schema, fk.name or "") in deferrable
            out.append(Edge(child, fk.columns, parent, ref_columns, nullable, late, fk.name))
    return tuple(out)


def _key_or_empty(table: Table) -> tuple[str, ...]:
    return table.primary_key.columns if table.primary_key else ()


def _unique_sets(table: Table) -> list[tuple[str, ...]]:
    sets = [u.columns for u in table.unique_constraints]
    sets += [i.columns for i in table.indexes if i.unique and not i.expressions and not i.where]
    return sorted(set(sets), key=lambda cols: (len(cols), cols))


def _given_keys(
    graph: SourceGraph, keys: Mapping[str, Sequence[str]]
) -> dict[QName, tuple[str, ...]]:
    out: dict[QName, tuple[str, ...]] = {}
    for name, columns in keys.items():
        table = graph.resolve(name)
        known = graph.columns(table)
        lowered = {c.lower(): c for c in known}
        resolved = []
        for column in columns:
            actual = column if column in known else lowered.get(column.lower())
            if actual is None:
                raise UsageError(
                    f"--key {name}:{','.join(columns)}: {table.label} has no column {column}; "
                    f"its columns: {', '.join(known)}",
                    "name columns of the table",
                )
            resolved.append(actual)
        if not resolved:
            raise UsageError(f"--key {name}: name its columns, --key {name}:COL[,COL]")
        out[table] = tuple(resolved)
    return out
