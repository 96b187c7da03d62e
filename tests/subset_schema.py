"""Load the subset fixture schema (fixtures/subset, see its README) into a test database.

Three schemas (PostgreSQL schemas, MariaDB databases, SQLite `schema__table` names), composite
foreign keys, two cycles in one strongly connected component, self references, a text key, a
table keyed by a unique NOT NULL column, and foreign keys to unique non-key columns; a few
hundred deterministic rows. PostgreSQL schemas and MariaDB databases get a unique prefix (the
servers are shared by concurrent tests) and are dropped by `drop_subset_schema`.

    with subset_schema(url, prefix=f"{db_name}_") as info:
        info.qname("sales.customer")   # QName as the graph names the table
        info.rows["sales.customer"]    # rows loaded
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.data.subset.model import QName
from gitmigrate.schema.render import quote

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "subset"
SCHEMAS = ("hr", "catalog", "sales")
TABLES = (  # logical names, in an order that loads (cycle-closing keys set afterwards)
    "hr.department", "hr.employee", "catalog.supplier", "catalog.category", "catalog.product",
    "sales.customer", "sales.orders", "sales.order_line", "sales.shipment",
)  # fmt: skip
_SCRIPTS = {"postgresql": "postgresql.sql", "mysql": "mariadb.sql", "sqlite": "sqlite.sql"}


@dataclass(frozen=True)
class SubsetSchemaInfo:
    """Where the fixture landed: `schemas` maps hr/catalog/sales to the database's names (None on
    SQLite, where `hr.employee` is the table `hr__employee` of the main database)."""

    url: str
    dialect: str
    prefix: str
    schemas: dict[str, str | None]
    rows: dict[str, int] = field(default_factory=dict)  # logical table -> rows loaded

    def qname(self, logical: str) -> QName:
        """`hr.employee` -> the QName the source graph uses for it."""
        schema, name = logical.split(".")
        actual = self.schemas[schema]
        return QName(actual, name) if actual else QName(None, f"{schema}__{name}")

    def label(self, logical: str) -> str:
        """`hr.employee` as a user writes it in --root/--follow for this database."""
        return self.qname(logical).label

    @property
    def tables(self) -> list[QName]:
        return [self.qname(t) for t in TABLES]

    @property
    def schema_names(self) -> list[str]:
        return [s for s in self.schemas.values() if s]


def subset_ddl(dialect: str, prefix: str = "") -> str:
    """The fixture's DDL for `dialect`, its schemas renamed `<prefix><schema>`."""
    script = (FIXTURE / _SCRIPTS[dialect]).read_text(encoding="utf-8")
    if dialect == "sqlite":
        return script
    script = re.sub(r"\b(CREATE (?:SCHEMA|DATABASE)) (\w+);", rf"\1 {prefix}\2;", script)
    return re.sub(r"\b(hr|catalog|sales)\.(?=\w)", rf"{prefix}\1.", script)


def load_subset_schema(url: str, prefix: str) -> SubsetSchemaInfo:
    """Create the fixture in the (fresh) database at `url` and fill it."""
    dialect = make_url(url).get_backend_name()
    dialect = "mysql" if dialect in ("mysql", "mariadb") else dialect
    if dialect not in _SCRIPTS:
        raise ValueError(f"no subset fixture for dialect {dialect!r}")
    schemas: dict[str, str | None] = {
        s: (None if dialect == "sqlite" else f"{prefix}{s}") for s in SCHEMAS
    }
    info = SubsetSchemaInfo(url=url, dialect=dialect, prefix=prefix, schemas=schemas)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            for statement in _statements(subset_ddl(dialect, prefix)):
                conn.exec_driver_sql(statement)
            _fill(conn, info)
    finally:
        engine.dispose()
    return info


def drop_subset_schema(info: SubsetSchemaInfo) -> None:
    """Drop what load_subset_schema created outside the fresh database (MariaDB databases;
    PostgreSQL schemas too, though dropping the fresh database would)."""
    if info.dialect == "sqlite":
        return
    engine = create_engine(info.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for schema in reversed(info.schema_names):
                if info.dialect == "postgresql":
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                else:
                    conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{schema}`")
    finally:
        engine.dispose()


@contextmanager
def subset_schema(url: str, prefix: str) -> Iterator[SubsetSchemaInfo]:
    """load_subset_schema, then drop_subset_schema however the test ends."""
    dialect = make_url(url).get_backend_name()
    partial = SubsetSchemaInfo(
        url=url,
        dialect="mysql" if dialect in ("mysql", "mariadb") else dialect,
        prefix=prefix,
        schemas={s: (None if dialect == "sqlite" else f"{prefix}{s}") for s in SCHEMAS},
    )
    try:
        yield load_subset_schema(url, prefix)
    finally:
        drop_subset_schema(partial)


def prefix_for(url: str) -> str:
    """A prefix unique to the fresh database at `url` (its name is unique per test)."""
    return f"{Path(make_url(url).database or 'gm').stem}_"


def _statements(script: str) -> list[str]:
    body = "\n".join(line.split("--")[0] for line in script.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]


# -- data: deterministic, a few hundred rows ------------------------------------------------

_REGIONS = ("EU", "US", "AP")
_EPOCH = dt.datetime(2024, 1, 1, 8, 0, 0)


def rows_of(table: str) -> list[dict[str, Any]]:
    """The fixture's rows of one logical table (as loaded, cycle-closing keys included)."""
    return _DATA[table]()


def _departments() -> list[dict[str, Any]]:
    return [{"id": d, "name": f"Department {d}", "head_id": d} for d in range(1, 7)]


def _employees() -> list[dict[str, Any]]:
    out = []
    for i in range(1, 61):
        key = (_REGIONS[i % 3], 1 + i % 50) if i % 5 == 0 else (None, None)
        out.append(
            {
                "id": i,
                "department_id": 1 + (i - 1) % 6,
                "manager_id": None if i <= 6 else i - 6,  # chains within a department
                "email": f"employee{i}@example.com",
                "full_name": f"Employee {i}",
                "key_region": key[0],
                "key_cust_no": key[1],
            }
        )
    return out


def _suppliers() -> list[dict[str, Any]]:
    return [{"code": f"SUP{n:03d}", "name": f"Supplier {n}"} for n in range(8)]


def _categories() -> list[dict[str, Any]]:
    return [
        {"id": i, "parent_id": None if i <= 4 else (i - 1) // 4, "name": f"Category {i}"}
        for i in range(1, 21)
    ]


def _products() -> list[dict[str, Any]]:
    return [
        {
            "sku": f"SKU-{n:05d}",
            "category_id": 1 + n % 20,
            "supplier_code": f"SUP{n % 8:03d}",
            "name": f"Product {n}",
            "price": f"{1 + (n * 37) % 500}.{n % 100:02d}",
        }
        for n in range(120)
    ]


def _customers() -> list[dict[str, Any]]:
    out = []
    for r, region in enumerate(_REGIONS):
        for no in range(1, 51):
            referred = no % 4 == 0  # referred by the customer before it in the region
            out.append(
                {
                    "region": region,
                    "cust_no": no,
                    "email": f"customer{no}.{region.lower()}@example.com",
                    "phone": f"+1-555-{r}{no:04d}",
                    "name": f"Customer {region}-{no}",
                    "account_manager_id": 1 + (no * 7 + r) % 60,
                    "referrer_region": region if referred else None,
                    "referrer_cust_no": no - 1 if referred else None,
                }
            )
    return out


def _orders() -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "order_code": f"ORD-{i:06d}",
            "region": _REGIONS[i % 3],
            "cust_no": 1 + (i * 13) % 50,
            "salesperson_id": None if i % 7 == 0 else 1 + (i * 11) % 60,
            "created_at": _EPOCH + dt.timedelta(hours=7 * i),
        }
        for i in range(1, 301)
    ]


def _order_lines() -> list[dict[str, Any]]:
    return [
        {"order_id": i, "line_no": n, "sku": f"SKU-{(i * 17 + n * 5) % 120:05d}", "quantity": n}
        for i in range(1, 301)
        for n in range(1, 1 + i % 4 + 1)
    ]


def _shipments() -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "order_code": f"ORD-{i:06d}",
            "shipped_at": _EPOCH + dt.timedelta(hours=7 * i + 30),
        }
        for i in range(1, 301)
        if i % 3
    ]


_DATA = {
    "hr.department": _departments,
    "hr.employee": _employees,
    "catalog.supplier": _suppliers,
    "catalog.category": _categories,
    "catalog.product": _products,
    "sales.customer": _customers,
    "sales.orders": _orders,
    "sales.order_line": _order_lines,
    "sales.shipment": _shipments,
}
# loaded NULL first, set once the rows they reference exist (the cycles' nullable edges)
_LATER = {"hr.department": ("head_id",), "hr.employee": ("key_region", "key_cust_no")}


def _fill(conn: Connection, info: SubsetSchemaInfo) -> None:
    q = _quoter(info.dialect)
    for table in TABLES:
        rows = rows_of(table)
        later = _LATER.get(table, ())
        first = [{k: (None if k in later else v) for k, v in row.items()} for row in rows]
        columns = list(rows[0])
        sql = (
            f"INSERT INTO {_table_sql(info, table)} ({', '.join(q(c) for c in columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        )
        conn.execute(text(sql), first)
        info.rows[table] = len(rows)
        if table == "sales.customer":  # both cycles close here
            _close_cycles(conn, info)


def _close_cycles(conn: Connection, info: SubsetSchemaInfo) -> None:
    q = _quoter(info.dialect)
    for table, columns in _LATER.items():
        sets = ", ".join(f"{q(c)} = :{c}" for c in columns)
        params = [r for r in rows_of(table) if r[columns[0]] is not None]
        conn.execute(text(f"UPDATE {_table_sql(info, table)} SET {sets} WHERE id = :id"), params)


def _table_sql(info: SubsetSchemaInfo, table: str) -> str:
    q = _quoter(info.dialect)
    name = info.qname(table)
    return f"{q(name.schema)}.{q(name.name)}" if name.schema else q(name.name)


def _quoter(dialect: str) -> Any:
    return lambda name: quote(name, dialect)


# -- checking a closure against its source ---------------------------------------------------


def closure_violations(conn: Connection, graph: Any, closure: Any) -> list[str]:
    """What makes `closure` not closed under foreign keys, or not loadable in its order, checked
    against the source by joins of its own (independent of the closure's batched reads):
    every included row exists; every parent of an included row is included; a parent table
    loads before its child unless the edge is broken; a self-referenced row before its child."""
    from sqlalchemy import and_, column, select, table

    def sa_table(name: QName, columns: Any) -> Any:
        return table(name.name, *(column(c) for c in dict.fromkeys(columns)), schema=name.schema)

    problems: list[str] = []
    order = [t.source for t in closure.tables]
    for sub in closure.tables:
        t = sa_table(sub.source, sub.key)
        found = {tuple(r) for r in conn.execute(select(*(t.c[c] for c in sub.key)))}
        missing = [k for k in closure.keys[sub.source] if k not in found]
        if missing:
            problems.append(f"{sub.source.label}: keys not in the source: {missing[:3]}")
        if len(set(closure.keys[sub.source])) != sub.rows:
            problems.append(f"{sub.source.label}: rows {sub.rows} != distinct keys")
    for edge in graph.edges:
        if edge.child not in closure.keys:
            continue
        child_keys = set(closure.keys[edge.child])
        child_key, parent_key = graph.key(edge.child), graph.key(edge.parent)
        c = sa_table(edge.child, [*child_key, *edge.columns]).alias("c")
        p = sa_table(edge.parent, [*parent_key, *edge.ref_columns]).alias("p")
        on = and_(*(c.c[a] == p.c[b] for a, b in zip(edge.columns, edge.ref_columns, strict=True)))
        stmt = select(*(c.c[k] for k in child_key), *(p.c[k] for k in parent_key)).select_from(
            c.join(p, on)
        )
        parent_keys = set(closure.keys.get(edge.parent, ()))
        position = {k: i for i, k in enumerate(closure.keys.get(edge.parent, ()))}
        for row in conn.execute(stmt):
            ck, pk = tuple(row[: len(child_key)]), tuple(row[len(child_key) :])
            if ck not in child_keys:
                continue
            if pk not in parent_keys:
                problems.append(f"{edge.label}: row {ck} references {pk}, not included")
            elif edge.child == edge.parent and edge not in closure.broken and ck != pk:
                own = {k: i for i, k in enumerate(closure.keys[edge.child])}
                if position[pk] > own[ck]:
                    problems.append(f"{edge.label}: row {ck} comes before its parent {pk}")
        if (
            edge.child != edge.parent
            and edge.parent in order
            and edge not in closure.broken
            and order.index(edge.parent) > order.index(edge.child)
        ):
            problems.append(f"{edge.label}: parent table loads after its child")
    return problems
