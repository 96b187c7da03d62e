"""gitmigrate.testing on data steps (set, transform, copy) on SQLite, PostgreSQL and MariaDB: the
harness compares row checksums as well as schemas, so a rollback that leaves one chunk of rows
changed is caught although the schema is back where it started."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.model import Step
from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.url import dialect_name
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.kinds.data.kind import DataKind
from gitmigrate.testing import (
    ExecutorPropertyError,
    check_executor_properties,
    check_kind_properties,
    database_state,
)
from tests.fixtures_db import fresh_database_url

ROWS = 10
TRANSFORM = b"""
def normalize(row):
    return {"email": row["email"].strip().lower(), "n": row["n"] + 1}
"""


def _load(url: str, table: str = "customer") -> None:
    """`table` with ROWS rows whose emails a step lower-cases (batches of 3: four chunks)."""
    key = "INTEGER PRIMARY KEY" if dialect_name(url) == "sqlite" else "INT PRIMARY KEY"
    engine = create_target_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    f"CREATE TABLE {table} (id {key}, email VARCHAR(100) NOT NULL,"
                    " n INT NOT NULL DEFAULT 0)"
                )
            )
            values = ", ".join(f"({i}, ' User{i}@Example.COM ', 0)" for i in range(1, ROWS + 1))
            conn.execute(text(f"INSERT INTO {table} (id, email, n) VALUES {values}"))
    finally:
        engine.dispose()


def _step(options: dict[str, Any], files: dict[str, bytes] | None = None) -> Step:
    return Step(
        migration="harness",
        seq=1,
        slug="s",
        kind="data",
        summary="s",
        files={"step.toml": b'kind = "data"\n', **(files or {})},
        options=options,
    )


SET = {"mode": "set", "table": "customer", "set": ["email = lower(email)", "n = n + 1"],
       "batch_size": 3}  # fmt: skip
TRANSFORM_OPTIONS = {"mode": "transform", "table": "customer", "columns": ["email", "n"],
                     "transform": "normalize.py:normalize", "batch_size": 3}  # fmt: skip


@pytest.fixture
def customers(db_url: str) -> str:
    _load(db_url)
    return db_url


def test_a_set_step_passes(customers: str) -> None:
    check_kind_properties(DataKind(), _step(SET), customers)


def test_a_transform_step_passes(customers: str) -> None:
    step = _step(TRANSFORM_OPTIONS, {"normalize.py": TRANSFORM})
    check_executor_properties(DataKind(), step, customers)


def test_a_copy_step_passes(db_url: str, tmp_path: Path) -> None:
    """A copy from a second database (SQLite) into each dialect: rollback removes the table."""
    with fresh_database_url("sqlite", tmp_path) as source:
        _load(source, "client")
        config = ProjectConfig(root=tmp_path, default_target=None, dialect=None,
                               branch_prefix="migrate/")  # fmt: skip
        step = _step({"mode": "copy", "source": source, "tables": ["client"], "batch_size": 4})
        check_kind_properties(DataKind(), step, db_url, config=config)


class SkipsAChunk(DataKind):
    """A rollback that restores every chunk of before-images but the first."""

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        skipping = True

        def execute(sql: str, params: Any = None) -> Any:
            return None if skipping else ctx.execute(sql, params)

        for checkpoint in super().rollback(step, dataclasses.replace(ctx, execute=execute)):
            skipping = False
            yield checkpoint


def test_a_rollback_that_skips_a_chunk_is_caught(customers: str) -> None:
    with pytest.raises(ExecutorPropertyError, match="customer: row checksums differ"):
        check_executor_properties(SkipsAChunk(), _step(SET), customers)


def test_the_row_checksums_see_one_changed_value(sqlite_url: str) -> None:
    """The comparison itself: one value changed in one row changes the table's checksum."""
    _load(sqlite_url)
    engine = create_target_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            before = database_state(conn)["rows"]
            conn.execute(text("UPDATE customer SET n = 1 WHERE id = 7"))
            after = database_state(conn)["rows"]
            conn.rollback()
    finally:
        engine.dispose()
    assert before["customer"][0] == after["customer"][0] == ROWS
    assert before["customer"][1] != after["customer"][1]


def test_every_built_in_kind_has_a_harness_test() -> None:
    """Each built-in kind runs gitmigrate.testing's properties in a test of its own (sql:
    test_testing_harness.py; data: this file; config, code, api, env, platform: their *_kind_properties.py)."""
    from gitmigrate.core.kindlookup import BUILTIN

    tests = Path(__file__).resolve().parents[1]
    harness = {
        "sql": tests / "integration" / "test_testing_harness.py",
        "data": Path(__file__).resolve(),
        "config": tests / "unit" / "test_config_kind_properties.py",
        "code": tests / "unit" / "test_code_kind_properties.py",
        "api": tests / "unit" / "test_api_kind_properties.py",
        "env": tests / "integration" / "test_env_kind_properties.py",
        "platform": tests / "unit" / "test_platform_kind_properties.py",
    }
    assert set(BUILTIN) == set(harness), "run gitmigrate.testing against the new kind"
    for kind, path in harness.items():
        assert "gitmigrate.testing" in path.read_text(), f"{kind}: {path.name} runs no harness"
