"""The SQLite table rebuild with rows in place and foreign keys on, inside one transaction as
the engine runs a step: rows survive, references from other tables stay valid, and a rebuild
that leaves a dangling reference fails at the commit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.sqlite_rebuild import rebuild_table

SETUP = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(20))",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
    "REFERENCES parent (id))",
    "CREATE VIEW v_child AS SELECT child.id, parent.name FROM child JOIN parent "
    "ON parent.id = child.parent_id",
    "INSERT INTO parent VALUES (1, 'a'), (2, 'b')",
    "INSERT INTO child VALUES (10, 1), (11, 2), (12, 2)",
]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = create_target_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.begin() as conn:
        for statement in SETUP:
            conn.exec_driver_sql(statement)
    return engine


def reflect(engine: Engine) -> Schema:
    with engine.connect() as conn:
        return reflect_schema(conn)


def run(engine: Engine, statements: list[str]) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_rebuilding_a_referenced_table_keeps_rows_and_references(engine: Engine) -> None:
    start = reflect(engine)
    parent = start.table("parent")
    assert parent is not None
    name = parent.columns[1]
    wanted_parent = replace(parent, columns=(parent.columns[0], replace(name, nullable=False)))
    wanted = replace(
        start, tables=tuple(wanted_parent if t.name == "parent" else t for t in start.tables)
    )
    plan = diff_schemas(start, wanted)
    up = plan.up_statements("sqlite")
    assert up[0] == 'DROP VIEW "v_child"'  # views reading the table go first
    assert up[1] == "PRAGMA defer_foreign_keys = ON"
    run(engine, up)
    assert reflect(engine) == wanted
    assert rows(engine, "SELECT * FROM v_child ORDER BY id") == [(10, "a"), (11, "b"), (12, "b")]
    assert rows(engine, "PRAGMA foreign_key_check") == []
    run(engine, plan.down_statements("sqlite"))
    assert reflect(engine) == start
    assert rows(engine, "SELECT count(*) FROM child") == [(3,)]


def test_a_rebuild_that_loses_referenced_rows_fails_at_commit(engine: Engine) -> None:
    start = reflect(engine)
    plan = diff_schemas(start, start)
    assert plan.is_empty
    parent = start.table("parent")
    assert parent is not None
    statements = rebuild_table(parent, parent)
    # lose a referenced row on the way: the deferred foreign key check refuses the commit
    copy = statements.index('DROP TABLE "_gm_old_parent"')
    statements.insert(copy, 'DELETE FROM "_gm_old_parent" WHERE id = 2')
    statements.insert(copy, 'DELETE FROM "parent" WHERE id = 2')
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        run(engine, statements)
    assert rows(engine, "SELECT count(*) FROM parent") == [(2,)]  # rolled back
