"""PostgreSQL functions, procedures, aggregates, triggers, domains, composite and range
types, collations, exclusion constraints, deferrable keys and index operator classes on a
real server: each case is reflected, diffed, applied (reflects as desired, second diff
empty) and rolled back (reflects as it started). Drift sees a dropped trigger, a replaced
function body and a dropped domain CHECK. The databases are this module's own (gm_h1_*)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS
from gitmigrate.schema.scratch import load_sql
from tests.fixtures_db import server_url

pytestmark = pytest.mark.postgres

TABLE = "CREATE TABLE emp (id int PRIMARY KEY, name text, salary int);\n"
STAMP = """CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.name := upper(NEW.name); RETURN NEW; END $$;\n"""
CASES: dict[str, tuple[str, str]] = {
    "function_create": (
        "",
        "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'select a + b';\n"
        "CREATE FUNCTION twice(a int) RETURNS int LANGUAGE plpgsql AS "
        "$$ BEGIN RETURN add(a, a); END $$;",
    ),
    "function_body_replaced": (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 2';",
    ),
    "function_return_type_with_trigger": (
        TABLE
        + STAMP
        + "CREATE TRIGGER s BEFORE INSERT ON emp FOR EACH ROW EXECUTE FUNCTION stamp();",
        TABLE
        + STAMP.replace("upper", "lower")
        + "CREATE TRIGGER s BEFORE INSERT OR UPDATE ON emp FOR EACH ROW EXECUTE FUNCTION stamp();",
    ),
    "function_used_by_new_table": (
        "",
        "CREATE FUNCTION pos(v int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select v > 0';\n"
        "CREATE TABLE m (v int CHECK (pos(v)), w int DEFAULT abs(-1));",
    ),
    "function_returning_table_rows": (
        "",
        "CREATE TABLE customer (id int);\n"
        "CREATE FUNCTION report() RETURNS SETOF customer LANGUAGE sql AS 'select * from customer';\n"
        "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM customer; END;\n"
        "CREATE VIEW rich AS SELECT id FROM customer;",
    ),
    "function_on_changed_view": (
        "CREATE TABLE t (a text);\nCREATE VIEW v AS SELECT a FROM t;\n"
        "CREATE FUNCTION f() RETURNS SETOF v LANGUAGE sql AS 'select * from v';",
        "CREATE TABLE t (a text, b int);\nCREATE VIEW v AS SELECT a, b FROM t;\n"
        "CREATE FUNCTION f() RETURNS SETOF v LANGUAGE sql AS 'select * from v';",
    ),
    "function_recreated_under_view": (
        "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'select a';\n"
        "CREATE VIEW v AS SELECT f(1) AS x;",
        "CREATE FUNCTION f(b int) RETURNS int LANGUAGE sql AS 'select b';\n"
        "CREATE VIEW v AS SELECT f(1) AS x;",
    ),
    "sample_database_objects": (
        "",
        """CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE FUNCTION _group_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $_$
SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END $_$;
CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text);
CREATE FUNCTION last_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.last_update = CURRENT_TIMESTAMP; RETURN NEW; END $$;
CREATE TABLE customer (customer_id serial PRIMARY KEY, first_name text NOT NULL,
  last_update timestamptz DEFAULT now() NOT NULL);
CREATE TABLE film (film_id serial PRIMARY KEY, title text NOT NULL, description text,
  release_year year, fulltext tsvector NOT NULL, last_update timestamptz DEFAULT now());
CREATE FUNCTION rewards_report(min_monthly_purchases integer) RETURNS SETOF customer
  LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN QUERY SELECT * FROM customer; END $$;
CREATE VIEW film_list AS SELECT group_concat(title) AS titles FROM film;
CREATE TRIGGER film_fulltext_trigger BEFORE INSERT OR UPDATE ON film FOR EACH ROW
  EXECUTE FUNCTION tsvector_update_trigger('fulltext', 'pg_catalog.english', 'title', 'description');
CREATE TRIGGER last_updated BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION last_updated();
CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION last_updated();
""",
    ),
    "objects_in_another_schema": (
        "CREATE SCHEMA s;\nCREATE TABLE s.t (c circle, a int);\n"
        + STAMP.replace("stamp()", "s.stamp()")
        + "CREATE TRIGGER x BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.stamp();\n"
        "ALTER TABLE s.t ADD CONSTRAINT ex EXCLUDE USING gist (c WITH &&);",
        "CREATE SCHEMA s;\nCREATE TABLE s.t (c circle, a int);\n"
        + STAMP.replace("stamp()", "s.stamp()").replace("upper", "lower")
        + "CREATE TRIGGER y BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.stamp();\n"
        "ALTER TABLE s.t DISABLE TRIGGER y;\n"
        "CREATE DOMAIN s.posint AS int CHECK (VALUE > 0);",
    ),
    "procedure_and_aggregate": (
        "",
        "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'select a + b';\n"
        "CREATE AGGREGATE total(int) (SFUNC = add, STYPE = int, INITCOND = '0');\n"
        "CREATE PROCEDURE noop(x int) LANGUAGE plpgsql AS $$ BEGIN END $$;",
    ),
    "trigger_dropped_and_disabled": (
        TABLE
        + STAMP
        + "CREATE TRIGGER a BEFORE INSERT ON emp FOR EACH ROW EXECUTE FUNCTION stamp();\n"
        + "CREATE TRIGGER b BEFORE UPDATE ON emp FOR EACH ROW EXECUTE FUNCTION stamp();",
        TABLE
        + STAMP
        + "CREATE TRIGGER b BEFORE UPDATE ON emp FOR EACH ROW EXECUTE FUNCTION stamp();\n"
        + "ALTER TABLE emp DISABLE TRIGGER b;",
    ),
    "trigger_on_changed_view": (
        "CREATE TABLE t (a text);\nCREATE VIEW v AS SELECT a FROM t;\n"
        + STAMP
        + "CREATE TRIGGER i INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION stamp();",
        "CREATE TABLE t (a text, b int);\nCREATE VIEW v AS SELECT a, b FROM t;\n"
        + STAMP
        + "CREATE TRIGGER i INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION stamp();",
    ),
    "domain_create_with_column": (
        "",
        "CREATE FUNCTION ok(v int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select v > 0';\n"
        'CREATE DOMAIN "PosInt" AS int DEFAULT 1 NOT NULL CHECK (ok(VALUE));\n'
        'CREATE TABLE t (id int, n "PosInt");',
    ),
    "domain_altered_in_place": (
        "CREATE DOMAIN code AS int DEFAULT 200 CHECK (VALUE > 0);\n"
        "CREATE TABLE t (c code);\nINSERT INTO t VALUES (5);",
        "CREATE DOMAIN code AS int NOT NULL CONSTRAINT small CHECK (VALUE < 1000);\n"
        "CREATE TABLE t (c code);",
    ),
    "types_and_collations": (
        'CREATE COLLATION posix FROM "POSIX";',
        "CREATE COLLATION numeric (provider = icu, locale = 'en-u-kn-true');\n"
        'CREATE TYPE pair AS (a int, b text COLLATE "C");\n'
        "CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);\n"
        "CREATE TABLE t (p pair, r floatrange, s text COLLATE numeric);",
    ),
    "composite_type_altered_in_place": (
        "CREATE TYPE pair AS (a int, b text);\nCREATE TABLE t (p pair);",
        "CREATE TYPE pair AS (a int, b text, d date);\nCREATE TABLE t (p pair);",
    ),
    "exclusion_and_deferrable": (
        "CREATE TABLE p (id int PRIMARY KEY);\n"
        "CREATE TABLE c (c circle, pid int REFERENCES p, u int UNIQUE, "
        "EXCLUDE USING gist (c WITH &&));",
        "CREATE TABLE p (id int PRIMARY KEY);\n"
        "CREATE TABLE c (c circle, pid int REFERENCES p DEFERRABLE INITIALLY DEFERRED, "
        "u int UNIQUE DEFERRABLE, CONSTRAINT no_overlap EXCLUDE USING gist (c WITH ~=));",
    ),
    "index_operator_class": (
        "CREATE TABLE w (a text, b text);\nCREATE INDEX w_a ON w (a);",
        "CREATE TABLE w (a text, b text);\nCREATE INDEX w_a ON w (a text_pattern_ops);\n"
        "CREATE INDEX w_b ON w ((lower(b)) text_pattern_ops DESC);",
    ),
}


class Server:
    """Two databases of this module's own, emptied per case."""

    def __init__(self) -> None:
        base = make_url(server_url("postgresql"))
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.names = [f"gm_h1_{uuid.uuid4().hex[:10]}" for _ in range(2)]
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.urls = [base.set(database=n).render_as_string(hide_password=False) for n in self.names]
        self.engines: list[Engine] = [create_engine(u, poolclass=NullPool) for u in self.urls]

    def reset(self) -> None:
        for engine in self.engines:
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA IF EXISTS s CASCADE")
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")

    def reflect(self, which: int) -> Schema:
        with self.engines[which].connect() as conn:
            return reflect_schema(conn, scope=ALL_SCHEMAS)

    def run(self, statements: list[str]) -> None:
        with self.engines[0].begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    found = Server()
    try:
        yield found
    finally:
        found.close()


@pytest.mark.parametrize("name", sorted(CASES))
def test_round_trip(name: str, server: Server) -> None:
    server.reset()
    before, after = CASES[name]
    load_sql(server.urls[0], before, origin=f"{name}/a.sql")
    load_sql(server.urls[1], after, origin=f"{name}/b.sql")
    start, desired = server.reflect(0), server.reflect(1)
    assert schema_differences(start, desired), f"{name}: A and B reflect the same"

    plan = diff_schemas(start, desired)
    up, down = plan.up_statements("postgresql"), plan.down_statements("postgresql")
    server.run(up)
    assert schema_differences(desired, server.reflect(0)) == [], "\n".join(up)
    assert diff_schemas(server.reflect(0), desired).is_empty
    server.run(down)
    assert schema_differences(start, server.reflect(0)) == [], "\n".join(down)


DRIFT = (
    TABLE
    + STAMP
    + "CREATE TRIGGER s BEFORE INSERT ON emp FOR EACH ROW EXECUTE FUNCTION stamp();\n"
    + "CREATE DOMAIN posint AS int CHECK (VALUE > 0);"
)


@pytest.mark.parametrize(
    ("change", "seen"),
    [
        ("DROP TRIGGER s ON emp", "trigger emp.s missing"),
        (
            "CREATE OR REPLACE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RETURN NEW; END $$",
            "function public.stamp(): definition differs",
        ),
        (
            "ALTER DOMAIN posint DROP CONSTRAINT posint_check",
            "domain public.posint: definition differs",
        ),
    ],
)
def test_drift_sees_changes_made_behind_our_back(change: str, seen: str, server: Server) -> None:
    server.reset()
    load_sql(server.urls[0], DRIFT, origin="drift.sql")
    recorded = server.reflect(0)
    server.run([change])
    assert schema_differences(recorded, server.reflect(0)) == [seen]


def test_domain_column_reflects_as_the_domain(server: Server) -> None:
    """`schema inspect --format sql` rendered domain columns as an unknown upper-case type."""
    server.reset()
    load_sql(
        server.urls[0],
        "CREATE DOMAIN posint AS integer CHECK (value > 0) NOT NULL DEFAULT 1;\n"
        "CREATE TABLE t2 (id int primary key, n posint);",
        origin="t2.sql",
    )
    found = server.reflect(0)
    column = found.tables[0].columns[1]
    assert (column.type, column.nullable, column.default) == ("posint", True, None)
    statements = diff_schemas(Schema("postgresql"), found).up_statements("postgresql")
    assert '"n" posint,' in statements[-1]
