"""Issue 12 defect 10: a step that changes the session's name resolution must not break the
engine's own bookkeeping. Every pg_dump file starts with
`SELECT pg_catalog.set_config('search_path', '', false)`; before this fix the ledger record that
follows on the same connection failed with "relation gitmigrate_lock does not exist". The
engine's tables are named with their schema on every dialect (db/home.py), and the session's
name resolution is restored after a step, so the step's verify and the next step see the
defaults again."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.home import home_schema, qualified_name
from gitmigrate.engine.status import target_status
from gitmigrate.engine.verify import verify
from tests.engine_helpers import TARGET, Project, make_project

# the head of a real `pg_dump` file (PostgreSQL 16), then a table as pg_dump writes it
PG_DUMP = """\
SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

CREATE TABLE public.dumped (
    id integer NOT NULL,
    name text
);

ALTER TABLE ONLY public.dumped
    ADD CONSTRAINT dumped_pkey PRIMARY KEY (id);

INSERT INTO public.dumped (id, name) VALUES (1, 'one');
"""
PG_DUMP_DOWN = "SELECT pg_catalog.set_config('search_path', '', false);\nDROP TABLE public.dumped;"


def _project(url: str, git_repo: Path) -> Project:
    project = make_project(url, git_repo)
    project.start("dump")
    return project


def test_a_pg_dump_step_keeps_the_ledger_working(postgres_url: str, git_repo: Path) -> None:
    project = _project(postgres_url, git_repo)
    # verify.sql runs on the step's connection after it: unqualified, it needs the default
    # search_path back
    project.step("restore a dump", PG_DUMP, PG_DUMP_DOWN, verify="SELECT COUNT(*) FROM dumped")
    project.step(
        "after it", "CREATE TABLE after_dump (id INT PRIMARY KEY)", "DROP TABLE after_dump"
    )
    assert len(project.apply().runs) == 2
    assert {r.status for r in project.ledger().values()} == {"applied"}
    assert project.sql("SELECT name FROM public.dumped") == [("one",)]
    assert verify(project.repo, TARGET).ok
    assert [s.state for s in target_status(project.repo, TARGET).steps] == ["applied"] * 2
    project.rollback(all=True, yes=True)
    assert {r.status for r in project.ledger().values()} == {"rolled_back"}
    assert project.sql("SELECT to_regclass('public.dumped') IS NULL") == [(True,)]


def test_the_ledger_stays_in_its_schema_when_the_default_moves(
    postgres_url: str, git_repo: Path
) -> None:
    """The ledger was created in `public`; a later session whose search_path starts with
    another schema still finds it there (and creates no second ledger)."""
    project = _project(postgres_url, git_repo)
    project.step("t1", "CREATE TABLE t1 (id INT PRIMARY KEY)", "DROP TABLE t1")
    project.apply()
    project.sql("CREATE SCHEMA app")
    database = postgres_url.rsplit("/", 1)[1]
    project.sql(f"ALTER DATABASE {database} SET search_path = app, public")
    project.step("t2", "CREATE TABLE t2 (id INT PRIMARY KEY)", "DROP TABLE t2")
    assert [r.step.id for r in project.apply().runs] == ["dump/002"]
    ledgers = project.sql(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'gitmigrate_ledger'"
    )
    assert ledgers == [("public",)]


def test_a_step_that_changes_the_default_database_keeps_the_ledger_working(
    mysql_url: str, git_repo: Path
) -> None:
    project = _project(mysql_url, git_repo)
    other = f"gm_other_{uuid.uuid4().hex[:8]}"
    project.sql(f"CREATE DATABASE {other}")
    try:
        project.step(
            "elsewhere",
            f"USE {other};\nCREATE TABLE elsewhere (id INT PRIMARY KEY);",
            f"USE {other};\nDROP TABLE elsewhere;",
        )
        project.step("here", "CREATE TABLE here (id INT PRIMARY KEY)", "DROP TABLE here")
        assert len(project.apply().runs) == 2
        assert {r.status for r in project.ledger().values()} == {"applied"}
        assert project.sql(f"SHOW TABLES FROM {other}") == [("elsewhere",)]
        assert verify(project.repo, TARGET).ok
        project.rollback(all=True, yes=True)
        assert {r.status for r in project.ledger().values()} == {"rolled_back"}
        assert project.sql(f"SHOW TABLES FROM {other}") == []
    finally:
        project.sql(f"DROP DATABASE IF EXISTS {other}")


def test_a_step_that_shadows_the_ledger_on_sqlite_keeps_it_working(
    sqlite_url: str, git_repo: Path
) -> None:
    """SQLite resolves an unqualified name in `temp` before `main`."""
    project = _project(sqlite_url, git_repo)
    project.step(
        "shadow",
        "CREATE TEMP TABLE gitmigrate_ledger (shadow INTEGER);\n"
        "CREATE TEMP TABLE gitmigrate_lock (shadow INTEGER);\n"
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY);",
        "DROP TABLE t1",
    )
    assert len(project.apply().runs) == 1
    assert project.ledger()["dump/001"].status == "applied"
    project.rollback(all=True, yes=True)
    assert project.ledger()["dump/001"].status == "rolled_back"


def test_engine_tables_are_named_with_their_schema(db_url: str) -> None:
    """db/home.py itself on each dialect: on a fresh database the home is the default schema."""
    engine = create_target_engine(db_url)
    try:
        with engine.connect() as conn:
            home = home_schema(conn)
            dialect = conn.dialect.name
            if dialect == "sqlite":
                assert home == "main"
            elif dialect == "postgresql":
                assert home == conn.execute(text("SELECT current_schema()")).scalar() == "public"
            else:
                assert home == conn.execute(text("SELECT DATABASE()")).scalar()
            assert qualified_name(conn, "gitmigrate_lock").split(".")[-1].strip('"`') == (
                "gitmigrate_lock"
            )
    finally:
        engine.dispose()
