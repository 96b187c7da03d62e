"""A subset across schemas through the public API and the engine: PostgreSQL keeps its schemas,
MariaDB gets one database per schema (renamed with schema_map, as the shared server needs
unique names), SQLite `schema__table` names; MariaDB databases become PostgreSQL schemas. Rows
per table equal the plan, every foreign key exists on the target, the rollback drops the
tables and the schemas it created."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from tests.engine_helpers import make_project
from tests.fixtures_db import fresh_database_url

PG_SOURCE = (
    "CREATE SCHEMA sales",
    "CREATE SCHEMA hr",
    "CREATE TABLE region (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)",
    "CREATE TABLE sales.customer (id INTEGER PRIMARY KEY, region_id INTEGER NOT NULL"
    " REFERENCES region (id), email VARCHAR(80) NOT NULL UNIQUE)",
    "CREATE TABLE sales.orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL"
    " REFERENCES sales.customer (id), total INTEGER NOT NULL)",
    "CREATE TABLE hr.rep (id SERIAL PRIMARY KEY, customer_id INTEGER REFERENCES"
    " sales.customer (id), name VARCHAR(20))",
    "INSERT INTO region VALUES (1, 'north'), (2, 'south'), (3, 'east')",
    "INSERT INTO sales.customer VALUES (1, 1, 'a@x.example'), (2, 2, 'b@x.example'),"
    " (3, 2, 'c@x.example')",
    "INSERT INTO sales.orders VALUES (1, 1, 10), (2, 2, 20), (3, 3, 30)",
    "INSERT INTO hr.rep (customer_id, name) VALUES (1, 'r1'), (2, 'r2'), (3, 'r3'), (NULL, 'r4')",
)
# root sales.orders WHERE id <= 2, children of sales.customer followed
PLAN = {"region": 2, "customer": 2, "orders": 2, "rep": 2}


def _run(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        engine.dispose()


@contextmanager
def _mysql_databases(url: str, *names: str) -> Iterator[None]:
    """Extra MariaDB databases (server-wide names) are dropped whatever the test did."""
    try:
        yield
    finally:
        _run(url, *(f"DROP DATABASE IF EXISTS `{n}`" for n in names))


def _counts(url: str, names: dict[str, tuple[str | None, str]]) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            q = conn.dialect.identifier_preparer.quote
            out = {}
            for label, (schema, name) in names.items():
                table = f"{q(schema)}.{q(name)}" if schema else q(name)
                out[label] = int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() or 0)
            return out
    finally:
        engine.dispose()


def _foreign_keys(url: str, names: dict[str, tuple[str | None, str]]) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            return sum(len(inspector.get_foreign_keys(n, schema=s)) for s, n in names.values())
    finally:
        engine.dispose()


def _exists(url: str, schema: str | None, name: str) -> bool:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            if schema is not None and schema not in inspector.get_schema_names():
                return False
            return bool(inspector.has_table(name, schema=schema))
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "target",
    ["postgresql", pytest.param("mysql", marks=pytest.mark.mysql), "sqlite"],
)
def test_postgresql_schemas_land_per_target_dialect(
    target: str, tmp_path: Path, git_repo: Path
) -> None:
    with (
        fresh_database_url("postgresql", tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        _run(source_url, *PG_SOURCE)
        db = make_url(target_url).database or "x"
        schema_map = {"sales": f"{db}_sales", "hr": f"{db}_hr"} if target == "mysql" else None
        names: dict[str, tuple[str | None, str]] = {
            "postgresql": {"region": (None, "region"), "customer": ("sales", "customer"),
                           "orders": ("sales", "orders"), "rep": ("hr", "rep")},
            "mysql": {"region": (None, "region"), "customer": (f"{db}_sales", "customer"),
                      "orders": (f"{db}_sales", "orders"), "rep": (f"{db}_hr", "rep")},
            "sqlite": {"region": (None, "region"), "customer": (None, "sales__customer"),
                       "orders": (None, "sales__orders"), "rep": (None, "hr__rep")},
        }[target]  # fmt: skip
        extra = [f"{db}_sales", f"{db}_hr"] if target == "mysql" else []
        with _mysql_databases(target_url, *extra) if target == "mysql" else _nothing():
            project = make_project(target_url, git_repo)
            start_migration(project.repo, "sample")
            result = api.env_subset(
                git_repo, source=source_url, target="db",
                roots=["sales.orders WHERE id <= 2"], follow=["sales.customer"],
                schema_map=schema_map, batch_size=1,
            )  # fmt: skip
            labels = {t["source"]: t["target"] for t in result.plan["tables"]}
            assert labels["sales.customer"] == (
                "sales__customer" if target == "sqlite" else f"{names['customer'][0]}.customer"
            )
            assert result.run is not None and len(result.run.result.runs) == 1
            assert _counts(target_url, names) == PLAN
            assert _foreign_keys(target_url, names) == 3
            project.rollback(all=True, yes=True)
            assert not any(_exists(target_url, s, n) for s, n in names.values())
            if target != "sqlite":
                assert not _exists(target_url, names["customer"][0], "customer")


@pytest.mark.mysql
@pytest.mark.postgres
def test_mariadb_databases_become_postgresql_schemas(tmp_path: Path, git_repo: Path) -> None:
    with (
        fresh_database_url("mysql", tmp_path) as source_url,
        fresh_database_url("postgresql", tmp_path) as target_url,
    ):
        db = make_url(source_url).database or "x"
        other = f"{db}_crm"
        with _mysql_databases(source_url, other):
            _run(
                source_url,
                f"CREATE DATABASE `{other}`",
                "CREATE TABLE region (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)",
                f"CREATE TABLE `{other}`.customer (id INTEGER PRIMARY KEY, region_id INTEGER"
                f" NOT NULL, FOREIGN KEY (region_id) REFERENCES `{db}`.region (id))",
                "INSERT INTO region VALUES (1, 'north'), (2, 'south')",
                f"INSERT INTO `{other}`.customer VALUES (1, 2), (2, 2)",
            )
            project = make_project(target_url, git_repo)
            start_migration(project.repo, "sample")
            result = api.env_subset(
                git_repo, source=source_url, target="db", roots=[f"{other}.customer"]
            )
            assert result.run is not None and len(result.run.result.runs) == 1
            names = {"region": (None, "region"), "customer": (other, "customer")}
            assert _counts(target_url, names) == {"region": 1, "customer": 2}
            assert _foreign_keys(target_url, names) == 1
            project.rollback(all=True, yes=True)
            assert not _exists(target_url, other, "customer")


@contextmanager
def _nothing() -> Iterator[None]:
    yield
