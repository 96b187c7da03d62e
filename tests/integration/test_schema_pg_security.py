"""Row-level security, policies, grants, comments on non-table objects and extension
versions on a real PostgreSQL: each is reflected, diffed, applied (the database then reflects
as the desired schema and a second diff is empty) and rolled back (it reflects as before)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text

from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS
from gitmigrate.schema.scratch import load_sql
from tests.fixtures_db import fresh_database_url

pytestmark = pytest.mark.postgres

ROLE = "app_user"  # a role sqldef's privilege cases grant to (cluster-wide, never dropped)


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with ExitStack() as stack:
        current = stack.enter_context(fresh_database_url("postgresql", tmp_path))
        desired = stack.enter_context(fresh_database_url("postgresql", tmp_path))
        engine = create_target_engine(current)
        try:
            with engine.begin() as conn:
                if not conn.execute(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": ROLE}
                ).first():
                    conn.execute(text(f'CREATE ROLE "{ROLE}" NOLOGIN'))
        finally:
            engine.dispose()
        yield current, desired


def reflect(url: str) -> Schema:
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            return reflect_schema(conn, scope=ALL_SCHEMAS)
    finally:
        engine.dispose()


def run(url: str, statements: list[str]) -> None:
    engine = create_target_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def round_trip(urls: tuple[str, str], a: str, b: str) -> tuple[list[str], list[str]]:
    current, desired_url = urls
    load_sql(current, a, origin="a.sql")
    load_sql(desired_url, b, origin="b.sql")
    start, desired = reflect(current), reflect(desired_url)
    assert schema_differences(start, desired), "A and B reflect as the same schema"
    plan = diff_schemas(start, desired)
    up, down = plan.up_statements("postgresql"), plan.down_statements("postgresql")
    run(current, up)
    after_up = reflect(current)
    assert schema_differences(desired, after_up) == [], up
    assert diff_schemas(after_up, desired).is_empty, up
    run(current, down)
    assert schema_differences(start, reflect(current)) == [], down
    return up, down


def kinds(schema: Schema, kind: str) -> dict[str, tuple[str, ...]]:
    return {o.name: o.create for o in schema.objects if o.kind == kind}


def test_rls_and_policies(two: tuple[str, str]) -> None:
    base = "CREATE TABLE t (tenant int, owner text); CREATE TABLE t2 (id int);"
    a = base + (
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY p_all ON t USING (tenant = 1);"
        "CREATE POLICY p_sel ON t FOR SELECT TO app_user USING (owner = current_user);"
        "CREATE POLICY p_gone ON t2 USING (id > 0);"
    )
    b = base + (
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY;"
        "ALTER TABLE t2 ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY p_all ON t TO app_user USING (tenant = 2);"
        "CREATE POLICY p_sel ON t AS RESTRICTIVE FOR SELECT TO app_user USING (owner = current_user);"
        "CREATE POLICY p_new ON t2 FOR INSERT WITH CHECK (id < 10);"
    )
    up, _down = round_trip(two, a, b)
    assert 'ALTER TABLE "t" FORCE ROW LEVEL SECURITY' in up
    assert 'ALTER TABLE "t2" ENABLE ROW LEVEL SECURITY' in up
    assert any(
        s.startswith('ALTER POLICY "p_all" ON "t" TO "app_user" USING ((tenant = 2))') for s in up
    )
    assert 'DROP POLICY "p_sel" ON "t"' in up  # PERMISSIVE -> RESTRICTIVE: no ALTER for it
    assert 'DROP POLICY "p_gone" ON "t2"' in up


def test_policy_written_differently_reflects_equal(two: tuple[str, str]) -> None:
    current, desired = two
    load_sql(
        current, "CREATE TABLE t (a int); CREATE POLICY p ON t USING (a=1 and true);", origin="a"
    )
    load_sql(
        desired,
        "create table t (a int);\ncreate policy p on t\n  using (a = 1 AND TRUE);",
        origin="b",
    )
    assert schema_differences(reflect(current), reflect(desired)) == []


GRANTS_BASE = """
CREATE SCHEMA other;
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE t (id serial PRIMARY KEY, secret text, note text);
CREATE VIEW v AS SELECT id FROM t;
CREATE SEQUENCE s;
CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
"""


def test_grants_beyond_defaults(two: tuple[str, str]) -> None:
    a = GRANTS_BASE + (
        "GRANT SELECT, INSERT ON t TO app_user;"
        "GRANT SELECT (secret) ON t TO app_user;"
        "GRANT USAGE ON SEQUENCE s TO app_user;"
        "REVOKE SELECT ON t FROM CURRENT_USER;"  # the owner's own default taken away
    )
    b = GRANTS_BASE + (
        "GRANT SELECT ON t TO app_user WITH GRANT OPTION;"
        "GRANT UPDATE (note) ON t TO app_user;"
        "GRANT SELECT ON v TO PUBLIC;"
        "GRANT USAGE, SELECT ON SEQUENCE t_id_seq TO app_user;"
        "REVOKE EXECUTE ON FUNCTION f(integer) FROM PUBLIC; GRANT EXECUTE ON FUNCTION f(integer) TO app_user;"
        "REVOKE USAGE ON TYPE mood FROM PUBLIC;"
        "GRANT USAGE ON SCHEMA other TO app_user;"
        "GRANT USAGE ON SCHEMA public TO app_user;"  # the default schema's own: left alone
    )
    up, down = round_trip(two, a, b)
    assert 'REVOKE EXECUTE ON FUNCTION "f"(integer) FROM PUBLIC' in up
    assert 'GRANT SELECT ON TABLE "t" TO "app_user" WITH GRANT OPTION' in up
    assert 'GRANT UPDATE ("note") ON TABLE "t" TO "app_user"' in up
    assert 'GRANT USAGE ON SCHEMA "other" TO "app_user"' in up
    assert not any('SCHEMA "public"' in s for s in up)
    assert 'REVOKE SELECT ON TABLE "t" FROM "app_user"' not in up  # SELECT stays, gains option
    assert any(s.startswith('REVOKE USAGE ON SEQUENCE "s" FROM "app_user"') for s in up)
    assert any(s.startswith('GRANT SELECT ON TABLE "t" TO ') for s in up)  # the owner's back


def test_owner_default_privileges_are_not_grants(two: tuple[str, str]) -> None:
    current, desired = two
    load_sql(current, "CREATE TABLE t (id int); GRANT ALL ON t TO CURRENT_USER;", origin="a")
    load_sql(desired, "CREATE TABLE t (id int);", origin="b")
    assert kinds(reflect(current), "grant") == {}  # nor are a new database's on `public`
    assert kinds(reflect(current), "comment") == {}  # its 'standard public schema' neither
    assert schema_differences(reflect(current), reflect(desired)) == []


def test_grants_on_a_recreated_view_are_made_again(two: tuple[str, str]) -> None:
    a = "CREATE TABLE t (id int); CREATE VIEW v AS SELECT id FROM t; GRANT SELECT ON v TO app_user;"
    b = "CREATE TABLE t (id int, x int); CREATE VIEW v AS SELECT id, x FROM t; GRANT SELECT ON v TO app_user;"
    up, _ = round_trip(two, a, b)
    assert 'GRANT SELECT ON TABLE "v" TO "app_user"' in up


COMMENTED = """
CREATE TYPE mood AS ENUM ('ok');
CREATE DOMAIN posint AS integer CONSTRAINT positive CHECK (VALUE > 0);
CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, n posint);
CREATE INDEX t_n ON t (n);
CREATE VIEW v AS SELECT id FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
CREATE SEQUENCE s;
CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER tg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf();
"""


def test_comments_on_objects(two: tuple[str, str]) -> None:
    a = COMMENTED + (
        "COMMENT ON CONSTRAINT t_pk ON t IS 'old';"
        "COMMENT ON INDEX t_n IS 'gone';"
        "COMMENT ON FUNCTION f(integer) IS 'it''s f';"
    )
    b = COMMENTED + (
        "COMMENT ON CONSTRAINT t_pk ON t IS 'new';"
        "COMMENT ON CONSTRAINT positive ON DOMAIN posint IS 'above zero';"
        "COMMENT ON TYPE mood IS 'feelings'; COMMENT ON DOMAIN posint IS 'positive';"
        "COMMENT ON VIEW v IS 'a view'; COMMENT ON MATERIALIZED VIEW mv IS 'a matview';"
        "COMMENT ON SEQUENCE s IS 'numbers'; COMMENT ON TRIGGER tg ON t IS 'fires';"
        "COMMENT ON FUNCTION f(integer) IS 'it''s f'; COMMENT ON SCHEMA public IS 'home';"
        "CREATE SCHEMA other; COMMENT ON SCHEMA other IS 'elsewhere';"
    )
    up, down = round_trip(two, a, b)
    assert 'COMMENT ON CONSTRAINT "t_pk" ON "t" IS \'new\'' in up
    assert 'COMMENT ON INDEX "t_n" IS NULL' in up
    assert "COMMENT ON SCHEMA \"other\" IS 'elsewhere'" in up
    assert not any("public" in s for s in up)  # the default schema's own comment: left alone
    assert not any('"f"' in s for s in up)  # unchanged comment: nothing to do
    assert 'COMMENT ON CONSTRAINT "t_pk" ON "t" IS \'old\'' in down


def test_extension_version_up_in_place_and_back(two: tuple[str, str]) -> None:
    current = two[0]
    engine = create_target_engine(current)
    try:
        with engine.connect() as conn:
            versions = set(
                conn.execute(
                    text(
                        "SELECT version FROM pg_available_extension_versions WHERE name = 'pg_trgm'"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()
    if not {"1.3", "1.4"} <= versions:
        pytest.skip("pg_trgm 1.3 and 1.4 are not both installable on this server")
    up, down = round_trip(
        two,
        "CREATE EXTENSION pg_trgm VERSION '1.3'; CREATE EXTENSION hstore;",
        "CREATE EXTENSION pg_trgm VERSION '1.4';",
    )
    assert "ALTER EXTENSION \"pg_trgm\" UPDATE TO '1.4'" in up
    assert 'DROP EXTENSION "hstore"' in up
    assert 'DROP EXTENSION "pg_trgm"' in down  # no downgrade script: made again at 1.3


def test_comments_on_view_columns_and_collations(two: tuple[str, str]) -> None:
    base = (
        "CREATE TABLE t (id int, x int); CREATE VIEW v AS SELECT id FROM t;"
        "CREATE COLLATION c_fr (provider = libc, locale = 'C');"
    )
    a = base + "COMMENT ON COLUMN v.id IS 'old';"
    b = (
        "CREATE TABLE t (id int, x int); CREATE VIEW v AS SELECT id, x FROM t;"
        "CREATE COLLATION c_fr (provider = libc, locale = 'C');"
        "COMMENT ON COLUMN v.id IS 'new'; COMMENT ON COLLATION c_fr IS 'sorting';"
    )
    up, _ = round_trip(two, a, b)
    assert 'COMMENT ON COLUMN "v"."id" IS \'new\'' in up  # made again on the new view
    assert "COMMENT ON COLLATION \"c_fr\" IS 'sorting'" in up


def test_objects_outside_the_default_schema(two: tuple[str, str]) -> None:
    base = (
        "CREATE SCHEMA app; CREATE TABLE app.users (id int PRIMARY KEY, tenant int);"
        "CREATE TABLE users (id int); CREATE INDEX users_tenant ON app.users (tenant);"
        "CREATE FUNCTION app.f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';"
    )
    a = base + "ALTER TABLE users ENABLE ROW LEVEL SECURITY;"
    b = base + (
        "ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY p_users ON app.users USING (tenant = 1);"
        "GRANT SELECT ON app.users TO app_user; GRANT USAGE ON SCHEMA app TO app_user;"
        "REVOKE EXECUTE ON FUNCTION app.f(integer) FROM PUBLIC;"
        "COMMENT ON INDEX app.users_tenant IS 'by tenant';"
        "COMMENT ON FUNCTION app.f(integer) IS 'f';"
    )
    up, _ = round_trip(two, a, b)
    assert 'ALTER TABLE "app"."users" ENABLE ROW LEVEL SECURITY' in up
    assert 'ALTER TABLE "users" DISABLE ROW LEVEL SECURITY' in up
    assert any(s.startswith('CREATE POLICY "p_users" ON "app"."users"') for s in up)
    assert 'GRANT SELECT ON TABLE "app"."users" TO "app_user"' in up
    assert 'GRANT USAGE ON SCHEMA "app" TO "app_user"' in up
    assert 'REVOKE EXECUTE ON FUNCTION "app"."f"(integer) FROM PUBLIC' in up
    assert 'COMMENT ON INDEX "app"."users_tenant" IS \'by tenant\'' in up
    assert 'COMMENT ON FUNCTION "app"."f"(integer) IS \'f\'' in up
