"""Property: for a random sequence of reversible DDL steps (create table, add column, add a
column with a CHECK, add a foreign key column, add an index), `apply --to k`, `rollback` of j
steps and `apply --to m` leave the schema that replaying the up.sql of steps 1..m on an empty
database gives (schema snapshots compared, gitmigrate's own tables left out).

SQLite always; PostgreSQL too (fewer examples). CI: 8 examples on SQLite and 3 on PostgreSQL;
GITMIGRATE_RELIABILITY_FULL=1: 100 and 30. Hypothesis shrinks a failure to the shortest sequence.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from gitmigrate.db.snapshot import schema_snapshot
from gitmigrate.lint.registry import all_rules
from tests.engine_helpers import make_project
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import make_repo

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
# the property is about the engine, not about how safe each DDL is under load
ALLOW = frozenset(all_rules())


@dataclass
class Model:
    """The schema the steps so far would build: table -> its columns."""

    tables: dict[str, list[str]] = field(default_factory=dict)
    indexes: int = 0


@dataclass(frozen=True)
class DdlStep:
    summary: str
    up: str
    down: str


@st.composite
def sequences(draw: st.DrawFn) -> list[DdlStep]:
    model = Model()
    steps: list[DdlStep] = []
    for number in range(draw(st.integers(1, 5))):
        choices = ["table"] + (["column", "check", "index", "fk"] if model.tables else [])
        kind = draw(st.sampled_from(choices))
        if kind == "table":
            table = f"t{len(model.tables) + 1}"
            model.tables[table] = ["id"]
            steps.append(
                DdlStep(
                    f"create {table}",
                    f"CREATE TABLE {table} (id INTEGER PRIMARY KEY);",
                    f"DROP TABLE {table};",
                )
            )
            continue
        table = draw(st.sampled_from(sorted(model.tables)))
        column = f"c{number}"
        if kind == "index":
            existing = model.tables[table]
            on = draw(st.sampled_from(existing))
            model.indexes += 1
            name = f"ix{model.indexes}_{table}"
            steps.append(
                DdlStep(
                    f"index {name}",
                    f"CREATE INDEX {name} ON {table} ({on});",
                    f"DROP INDEX {name};",
                )
            )
            continue
        model.tables[table].append(column)
        if kind == "column":
            definition = f"{column} VARCHAR(20)"
        elif kind == "check":
            definition = f"{column} INTEGER CHECK ({column} >= 0)"
        else:
            parent = draw(st.sampled_from(sorted(model.tables)))
            definition = f"{column} INTEGER REFERENCES {parent} (id)"
        steps.append(
            DdlStep(
                f"{kind} {table}.{column}",
                f"ALTER TABLE {table} ADD COLUMN {definition};",
                f"ALTER TABLE {table} DROP COLUMN {column};",
            )
        )
    return steps


def _replayed(dialect: str, steps: list[DdlStep], tmp: Path) -> dict[str, object]:
    with fresh_database_url(dialect, tmp) as url:
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                for step in steps:
                    conn.exec_driver_sql(step.up.rstrip(";"))
            with engine.connect() as conn:
                return schema_snapshot(conn)
        finally:
            engine.dispose()


def _check(dialect: str, steps: list[DdlStep], data: st.DataObject) -> None:
    n = len(steps)
    k = data.draw(st.integers(1, n), label="apply --to k")
    j = data.draw(st.integers(0, k), label="rollback j")
    m = data.draw(st.integers(k - j, n), label="apply --to m")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with fresh_database_url(dialect, tmp) as url:
            project = make_project(url, make_repo(tmp / "repo"))
            project.start("prop")
            for step in steps:
                project.step(step.summary, step.up, step.down)
            project.apply(to=str(k), yes=True, allow=ALLOW)
            if j:
                project.rollback(steps=j, yes=True)
            if m:
                project.apply(to=str(m), yes=True, allow=ALLOW)
            got = project.schema()
            applied = sorted(i for i, r in project.ledger().items() if r.status == "applied")
        assert applied == [f"prop/{i:03d}" for i in range(1, m + 1)]
        assert got == _replayed(dialect, steps[:m], tmp)


PROPERTY = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=not FULL,
)


@settings(max_examples=100 if FULL else 8, **PROPERTY)  # type: ignore[arg-type]
@given(steps=sequences(), data=st.data())
def test_apply_rollback_apply_equals_replaying_the_net_steps_sqlite(
    git_env: dict[str, str], steps: list[DdlStep], data: st.DataObject
) -> None:
    _check("sqlite", steps, data)


@pytest.mark.postgres
@settings(max_examples=30 if FULL else 3, **PROPERTY)  # type: ignore[arg-type]
@given(steps=sequences(), data=st.data())
def test_apply_rollback_apply_equals_replaying_the_net_steps_postgresql(
    git_env: dict[str, str], steps: list[DdlStep], data: st.DataObject
) -> None:
    if not os.environ.get("GITMIGRATE_TEST_POSTGRES_URL"):
        pytest.skip("GITMIGRATE_TEST_POSTGRES_URL is not set")
    _check("postgresql", steps, data)
