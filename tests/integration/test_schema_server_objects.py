"""Triggers, routines and events on MariaDB, triggers on SQLite: reflected in a normal form
(the same object written differently is equal), seen by drift when changed behind our back,
and kept across a SQLite table rebuild. The full reflect -> diff -> apply -> rollback round
trips are fixtures/schema/mysql_* and sqlite_trigger* (test_schema_roundtrip.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.scratch import load_sql
from tests.fixtures_db import fresh_database_url

MYSQL_PLAIN = """
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50));
CREATE TABLE log (msg VARCHAR(100));
CREATE TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW INSERT INTO log VALUES (NEW.name);
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
CREATE PROCEDURE purge_log() BEGIN DELETE FROM log; END;
CREATE EVENT cleanup ON SCHEDULE EVERY 1 DAY DO DELETE FROM log;
CREATE EVENT later ON SCHEDULE EVERY 1 DAY STARTS '2035-06-01 00:00:00' DO DELETE FROM log;
"""
# the same objects with definers, other spacing, comments, OR REPLACE
MYSQL_DRESSED = """
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50));
CREATE TABLE log (msg VARCHAR(100));
CREATE DEFINER=`root`@`localhost` TRIGGER users_ai
    AFTER INSERT ON users
    FOR EACH ROW  -- audit every insert
    INSERT INTO log VALUES (NEW.name);
CREATE OR REPLACE DEFINER = CURRENT_USER FUNCTION twice(x INT) RETURNS INT
    DETERMINISTIC
    RETURN x * 2;
CREATE DEFINER='root'@'%' PROCEDURE purge_log()
BEGIN
    DELETE FROM log;
END;
CREATE EVENT IF NOT EXISTS cleanup
    ON SCHEDULE EVERY 1 DAY
    DO DELETE FROM log;
CREATE EVENT later ON SCHEDULE EVERY 1 DAY STARTS '2035-06-01 00:00:00' DO DELETE FROM log;
"""


def _reflect(url: str) -> Schema:
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            return reflect_schema(conn)
    finally:
        engine.dispose()


def _run(url: str, *statements: str) -> None:
    engine = create_target_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.mark.mysql
def test_mysql_objects_written_differently_reflect_equal(tmp_path: Path) -> None:
    with (
        fresh_database_url("mysql", tmp_path) as plain,
        fresh_database_url("mysql", tmp_path) as dressed,
    ):
        load_sql(plain, MYSQL_PLAIN)
        load_sql(dressed, MYSQL_DRESSED)
        a, b = _reflect(plain), _reflect(dressed)
    assert schema_differences(a, b) == []
    kinds = {(o.kind, o.name) for o in a.objects}
    assert kinds == {
        ("trigger", "users.users_ai"),
        ("function", "twice"),
        ("function", "purge_log (procedure)"),
        ("event", "cleanup"),
        ("event", "later"),
    }
    creates = {o.name: o.create[0] for o in a.objects}
    assert "DEFINER" not in " ".join(creates.values())
    assert "STARTS" not in creates["cleanup"]  # the server's creation time, not the author's
    assert "STARTS '2035-06-01 00:00:00'" in creates["later"]


@pytest.mark.mysql
def test_mysql_drift_sees_dropped_trigger_and_replaced_routine(tmp_path: Path) -> None:
    with fresh_database_url("mysql", tmp_path) as url:
        load_sql(url, MYSQL_PLAIN)
        before = _reflect(url)
        _run(
            url,
            "DROP TRIGGER users_ai",
            "CREATE OR REPLACE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x + x",
            "ALTER EVENT cleanup DISABLE",
        )
        after = _reflect(url)
        assert schema_differences(before, after) == [
            "event cleanup: definition differs",
            "function twice: definition differs",
            "trigger users.users_ai missing",
        ]
        plan = diff_schemas(after, before)
        _run(url, *plan.up_statements("mysql"))
        assert schema_differences(before, _reflect(url)) == []


def test_sqlite_rebuild_drops_and_recreates_the_tables_triggers(tmp_path: Path) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as current,
        fresh_database_url("sqlite", tmp_path) as desired,
    ):
        trigger = (
            "CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN INSERT INTO log VALUES (1); END"
        )
        load_sql(
            current,
            f"CREATE TABLE users (id INTEGER PRIMARY KEY, n INT); CREATE TABLE log (v INT); {trigger};",
        )
        load_sql(
            desired,
            f"CREATE TABLE users (id INTEGER PRIMARY KEY, n TEXT); CREATE TABLE log (v INT); {trigger};",
        )
        start, goal = _reflect(current), _reflect(desired)
        up = diff_schemas(start, goal).up_statements("sqlite")
        drop = next(i for i, s in enumerate(up) if s.startswith("DROP TRIGGER"))
        create = next(i for i, s in enumerate(up) if s.startswith("CREATE TRIGGER"))
        rebuild = next(i for i, s in enumerate(up) if s.startswith("INSERT INTO"))
        assert drop < rebuild < create
        _run(current, *up)
        assert schema_differences(goal, _reflect(current)) == []
        _run(current, "INSERT INTO users (n) VALUES ('x')")
        engine = create_target_engine(current)
        try:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM log").scalar() == 1
        finally:
            engine.dispose()
