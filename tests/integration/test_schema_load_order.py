"""load_sql on scripts out of dependency order: statements refused for a missing object are
retried after the others; any other error, or a round that creates nothing, is the script's
error with its line. Real databases on every dialect."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate.schema.scratch import SchemaLoadError, load_sql
from gitmigrate.schema.sources import reflect_url

# a view before its tables, a foreign key before its parent, an index before its table
OUT_OF_ORDER = """\
CREATE VIEW paid AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id;
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id)
);
CREATE INDEX ix_customers_name ON customers (name);
CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);
"""


def _names(url: str) -> tuple[list[str], list[str]]:
    schema = reflect_url(url, repo=None, display="test")
    return sorted(t.name for t in schema.tables), sorted(v.name for v in schema.views)


def test_out_of_order_script_loads_on_every_dialect(db_url: str) -> None:
    load_sql(db_url, OUT_OF_ORDER, origin="desired.sql")
    assert _names(db_url) == (["customers", "orders"], ["paid"])
    schema = reflect_url(db_url, repo=None, display="test")
    orders = schema.table("orders")
    assert orders is not None and [fk.ref_table for fk in orders.foreign_keys] == ["customers"]
    customers = schema.table("customers")
    assert customers is not None and [i.name for i in customers.indexes] == ["ix_customers_name"]


def test_a_syntax_error_is_not_retried_and_keeps_its_line(db_url: str) -> None:
    script = "CREATE VIEW v AS SELECT id FROM t;\nCREATE TABEL t (id INTEGER);\n"
    with pytest.raises(SchemaLoadError, match=r"^desired\.sql:2: ") as caught:
        load_sql(db_url, script, origin="desired.sql")
    assert caught.value.line == 2
    assert _names(db_url) == ([], [])  # nothing of the script is left behind


def test_an_object_never_created_is_the_earliest_refusal(db_url: str) -> None:
    script = (
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
        "CREATE INDEX ix_missing ON nope (id);\n"
        "CREATE VIEW v AS SELECT id FROM gone;\n"
    )
    with pytest.raises(SchemaLoadError, match=r"^desired\.sql:2: .*nope") as caught:
        load_sql(db_url, script, origin="desired.sql")
    assert caught.value.line == 2


def test_without_reorder_the_first_refusal_stops_the_script(db_url: str) -> None:
    """Migration steps are replayed as they will run on a target: no second chance."""
    # SQLite accepts a view and a foreign key naming a table not created yet, not an index
    line = 6 if db_url.startswith("sqlite") else 1
    with pytest.raises(SchemaLoadError, match=rf"^up\.sql:{line}: ") as caught:
        load_sql(db_url, OUT_OF_ORDER, origin="up.sql", reorder=False)
    assert caught.value.line == line


@pytest.mark.postgres
def test_a_retried_statement_runs_in_its_own_search_path(postgres_url: str) -> None:
    """The view was written under `SET search_path = app`; the script ends in public."""
    script = (
        "CREATE SCHEMA app;\n"
        "SET search_path = app;\n"
        "CREATE VIEW v AS SELECT id FROM t;\n"
        "CREATE TABLE t (id INTEGER);\n"
        "SET search_path = public;\n"
        "CREATE TABLE p (id INTEGER);\n"
    )
    load_sql(postgres_url, script, origin="desired.sql")
    engine = create_engine(postgres_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT table_schema, table_name FROM information_schema.tables "
                     "WHERE table_schema IN ('app', 'public') ORDER BY 1, 2")
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    assert [tuple(row) for row in found] == [("app", "t"), ("app", "v"), ("public", "p")]


@pytest.mark.postgres
def test_pg_dump_restrict_fences_are_not_sql(postgres_url: str) -> None:
    """pg_dump 15.14+ writes `\\restrict KEY` / `\\unrestrict KEY` psql meta-commands."""
    script = (
        "\\restrict AbC123\n\nSET statement_timeout = 0;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        "CREATE TABLE public.t (id integer);\n\n\\unrestrict AbC123\n"
    )
    load_sql(postgres_url, script, origin="dump.sql")
    assert _names(postgres_url) == (["t"], [])
