"""Objects outside the default PostgreSQL schema, on a real server: every user schema is
reflected (names outside `public` qualified), diffed, applied, drift-free and rolled back;
`SchemaScope` keeps to one schema or leaves one out; a named schema alone still reflects bare
(data copies rely on it)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.names import QualifiedName
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS, SchemaScope
from gitmigrate.schema.scratch import load_sql
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import CliRunner

pytestmark = pytest.mark.postgres

CURRENT = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE SCHEMA sales;
CREATE TYPE sales.status AS ENUM ('new', 'paid');
CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL, m mood);
CREATE TABLE sales.orders (
    id serial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customer (id),
    status sales.status DEFAULT 'new'
);
CREATE INDEX orders_customer ON sales.orders (customer_id);
CREATE SEQUENCE sales.invoice_no START 100;
CREATE VIEW sales.open_orders AS SELECT id, customer_id FROM sales.orders WHERE status = 'new';
CREATE SCHEMA archive;
CREATE TABLE archive.old_orders (id int PRIMARY KEY);
"""

DESIRED = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE SCHEMA sales;
CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL, m mood);
CREATE TABLE sales.orders (
    id serial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customer (id),
    status sales.status DEFAULT 'new',
    note text
);
CREATE INDEX orders_status ON sales.orders (status);
CREATE SEQUENCE sales.invoice_no START 100;
CREATE VIEW sales.open_orders AS
    SELECT id, customer_id, note FROM sales.orders WHERE status = 'new';
CREATE SCHEMA "Reports";
CREATE TABLE "Reports"."Daily" (id int PRIMARY KEY, order_id int REFERENCES sales.orders (id));
"""


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    tmp: Path = tmp_path_factory.mktemp("pg-schemas")
    with fresh_database_url("postgresql", tmp) as a, fresh_database_url("postgresql", tmp) as b:
        load_sql(a, CURRENT, origin="current")
        load_sql(b, DESIRED, origin="desired")
        current, desired = create_target_engine(a), create_target_engine(b)
        try:
            yield current, desired
        finally:
            current.dispose()
            desired.dispose()


def reflect(engine: Engine, scope: SchemaScope | None = ALL_SCHEMAS) -> Schema:
    with engine.connect() as conn:
        return reflect_schema(conn, scope=scope)


def run(engine: Engine, statements: list[str]) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_every_user_schema_is_reflected_with_qualified_names(
    engines: tuple[Engine, Engine],
) -> None:
    found = reflect(engines[0])
    orders = found.table(QualifiedName("sales", "orders"))
    assert orders is not None and isinstance(orders.name, QualifiedName)
    assert [t.name for t in found.tables] == ["archive.old_orders", "customer", "sales.orders"]
    assert found.table("customer") is not None and type(found.table("customer").name) is str  # type: ignore[union-attr]
    assert [fk.ref_table for fk in orders.foreign_keys] == ["customer"]
    assert [c.identity for c in orders.columns][:1] == [True]  # serial in a schema off the path
    assert {e.name for e in found.enums} == {"mood", "sales.status"}
    assert [s.name for s in found.sequences] == ["sales.invoice_no"]
    assert [v.name for v in found.views] == ["sales.open_orders"]
    schemas = [o.name for o in found.objects if o.kind == "schema"]
    assert schemas == ["archive", "sales"]  # public is the default schema: never an object


def test_a_named_schema_alone_still_reflects_bare(engines: tuple[Engine, Engine]) -> None:
    with engines[0].connect() as conn:
        sales = reflect_schema(conn, "sales")
        default = reflect_schema(conn)
    assert [t.name for t in sales.tables] == ["orders"]
    assert [t.name for t in default.tables] == ["customer"]


def test_scope_keeps_one_schema_or_leaves_one_out(engines: tuple[Engine, Engine]) -> None:
    only = reflect(engines[0], SchemaScope(only="sales"))
    assert [t.name for t in only.tables] == ["sales.orders"]
    assert [e.name for e in only.enums] == ["sales.status"]
    rest = reflect(engines[0], SchemaScope(exclude=("archive", "sales")))
    assert [t.name for t in rest.tables] == ["customer"]
    assert not [o for o in rest.objects if o.kind == "schema"]


def test_two_schema_round_trip(engines: tuple[Engine, Engine]) -> None:
    current_engine, desired_engine = engines
    start, desired = reflect(current_engine), reflect(desired_engine)
    plan = diff_schemas(start, desired)
    up, down = plan.up_statements("postgresql"), plan.down_statements("postgresql")
    assert 'CREATE SCHEMA "Reports"' in up and 'DROP SCHEMA "archive"' in up
    assert 'DROP INDEX "sales"."orders_customer"' in up
    assert 'ALTER TYPE "sales"."status" ADD VALUE \'shipped\'' in up
    assert any(s.startswith('CREATE TABLE "Reports"."Daily"') for s in up)

    run(current_engine, up)
    after_up = reflect(current_engine)
    assert schema_differences(desired, after_up) == [], up  # drift-free
    assert diff_schemas(after_up, desired).is_empty

    run(current_engine, down)
    assert schema_differences(start, reflect(current_engine)) == [], down


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_cli_schema_options(
    engines: tuple[Engine, Engine], git_repo: Path, run_cli: CliRunner
) -> None:
    a, b = url_of(engines[0]), url_of(engines[1])
    only = run_cli("schema", "diff", "--from", a, "--to", b, "--print", "--schema", "sales")
    assert only.exit_code == 0, only.stderr
    assert 'ALTER TABLE "sales"."orders" ADD COLUMN "note" TEXT' in only.stdout
    assert "Reports" not in only.stdout and "archive" not in only.stdout
    rest = run_cli("schema", "diff", "--from", a, "--to", b, "--print", "--exclude-schema", "sales")
    assert rest.exit_code == 0, rest.stderr
    assert 'CREATE SCHEMA "Reports"' in rest.stdout and '"note"' not in rest.stdout
    shown = run_cli("schema", "inspect", "--target", a, "--schema", "archive", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert [t["name"] for t in json.loads(shown.stdout)["schema"]["tables"]] == [
        "archive.old_orders"
    ]
    sqlite3.connect(git_repo / "x.db").close()
    sqlite = f"sqlite:///{git_repo / 'x.db'}"
    refused = run_cli("schema", "inspect", "--target", sqlite, "--schema", "main")
    assert refused.exit_code == 2 and "--schema/--exclude-schema" in refused.stderr
