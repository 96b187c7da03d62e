"""Schema snapshots: deterministic, complete enough to prove a rollback, and diffable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.ledger import Ledger
from gitmigrate.db.snapshot import diff_snapshots, schema_snapshot

SCHEMA = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL,"
    " age INTEGER DEFAULT 18, nickname VARCHAR(50),"
    " CONSTRAINT uq_users_email UNIQUE (email), CONSTRAINT ck_users_age CHECK (age >= 0))",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,"
    " total NUMERIC(10,2) DEFAULT 0, CONSTRAINT fk_orders_user FOREIGN KEY (user_id)"
    " REFERENCES users(id) ON DELETE CASCADE)",
    "CREATE INDEX ix_orders_total ON orders (total)",
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100",
]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_target_engine(db_url)
    with eng.begin() as conn:
        Ledger(eng).ensure(conn)  # git-migrate's own tables never appear in a snapshot
        conn.execute(text("CREATE TABLE gitmigrate_scratch (x INTEGER)"))
        for statement in SCHEMA:
            conn.execute(text(statement))
    yield eng
    eng.dispose()


def snap(engine: Engine, **kwargs: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        return schema_snapshot(conn, **kwargs)


def run(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_snapshot_captures_the_schema(engine: Engine) -> None:
    snapshot = snap(engine)
    assert sorted(snapshot["tables"]) == ["orders", "users"]
    users, orders = snapshot["tables"]["users"], snapshot["tables"]["orders"]
    assert sorted(users["columns"]) == ["age", "email", "id", "nickname"]
    assert users["columns"]["email"]["type"] == "VARCHAR(200)"
    assert users["columns"]["email"]["nullable"] is False
    assert (
        users["columns"]["age"]["default"] is not None
        and "18" in users["columns"]["age"]["default"]
    )
    assert users["primary_key"] == ["id"]
    assert users["unique_constraints"] == {"uq_users_email": {"columns": ["email"]}}
    assert "uq_users_email" not in users["indexes"]  # reported once, as the constraint
    assert list(users["check_constraints"]) == ["ck_users_age"]
    assert "age" in users["check_constraints"]["ck_users_age"]["sqltext"]
    assert orders["foreign_keys"] == [
        {
            "columns": ["user_id"],
            "referred_table": "users",
            "referred_columns": ["id"],
            "ondelete": "CASCADE",
            "onupdate": "NO ACTION",
        }
    ]
    assert orders["indexes"]["ix_orders_total"] == {"columns": ["total"], "unique": False}
    assert list(snapshot["views"]) == ["big_orders"]
    assert "100" in snapshot["views"]["big_orders"]
    assert "DEFINER=" not in snapshot["views"]["big_orders"]


def test_snapshot_is_deterministic_and_json_serialisable(engine: Engine) -> None:
    first, second = snap(engine), snap(engine)
    assert first == second
    assert json.dumps(first) == json.dumps(second)
    assert json.loads(json.dumps(first)) == first
    assert diff_snapshots(first, second) == []


def test_diff_reports_dropped_column_and_index_and_is_clean_after_restoring(
    engine: Engine, db_url: str
) -> None:
    before = snap(engine)
    drop_index = (
        "DROP INDEX ix_orders_total ON orders"
        if db_url.startswith("mysql")
        else "DROP INDEX ix_orders_total"
    )
    run(engine, "ALTER TABLE users DROP COLUMN nickname", drop_index)
    after = snap(engine)
    assert diff_snapshots(before, after) == [
        "table orders: index ix_orders_total missing",
        "table users: column nickname missing",
    ]
    assert diff_snapshots(after, before) == [
        "table orders: index ix_orders_total added",
        "table users: column nickname added",
    ]
    run(
        engine,
        "ALTER TABLE users ADD COLUMN nickname VARCHAR(50)",
        "CREATE INDEX ix_orders_total ON orders (total)",
    )
    assert diff_snapshots(before, snap(engine)) == []  # column position is not compared


def test_diff_reports_changed_objects(engine: Engine, db_url: str) -> None:
    before = snap(engine)
    drop_index = (
        "DROP INDEX ix_orders_total ON orders"
        if db_url.startswith("mysql")
        else "DROP INDEX ix_orders_total"
    )
    run(
        engine,
        drop_index,
        "CREATE UNIQUE INDEX ix_orders_total ON orders (total)",
        "DROP VIEW big_orders",
        "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 500",
        "CREATE TABLE extra (id INTEGER PRIMARY KEY)",
    )
    lines = diff_snapshots(before, snap(engine))
    assert "table extra added" in lines
    assert any(line.startswith("view big_orders differs: ") for line in lines)
    if db_url.startswith("mysql"):  # MySQL has no unique index apart from a unique constraint
        assert "table orders: index ix_orders_total missing" in lines
        assert "table orders: unique constraint ix_orders_total added" in lines
        assert len(lines) == 4, lines
    else:
        index_line = "table orders: index ix_orders_total differs: "
        assert any(line.startswith(index_line) for line in lines)
        assert len(lines) == 3, lines


def test_exclude_and_internal_tables(engine: Engine) -> None:
    snapshot = snap(engine, exclude=("ORDERS",) if "sqlite" in str(engine.url) else ("orders",))
    assert list(snapshot["tables"]) == ["users"]
    assert not any(name.startswith(("gitmigrate_", "sqlite_")) for name in snap(engine)["tables"])


def test_diff_of_plain_data() -> None:
    before = {"dialect": "sqlite", "tables": {"t": {"columns": {"a": {"type": "INTEGER"}}}}}
    after = {"dialect": "sqlite", "tables": {}}
    assert diff_snapshots(before, after) == ["table t missing"]
    assert diff_snapshots(after, before) == ["table t added"]
    assert diff_snapshots(before, before) == []
