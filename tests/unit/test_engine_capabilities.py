"""The seams the engine calls without knowing a kind's language: the sql kind's compensator,
a StepContext without a database session, and the estimate a dry run's chunks give."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gitmigrate.engine.attempt import ChunkSample
from gitmigrate.engine.chunk_preview import SAMPLED, sampled_estimate
from gitmigrate.engine.kinds import StepContext
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.errors import UsageError
from gitmigrate.kinds.data.kind import DataKind
from gitmigrate.kinds.sql.compensation import SqlCompensator
from gitmigrate.kinds.sql.kind import SqlKind


def test_the_sql_kind_declares_its_compensator_and_the_data_kind_none() -> None:
    assert isinstance(SqlKind().compensator, SqlCompensator)
    assert DataKind().compensator is None


def test_the_compensator_knows_which_statements_commit_by_themselves() -> None:
    sql = SqlCompensator()
    assert sql.commits_by_itself("CREATE TABLE b (id INTEGER PRIMARY KEY)", "mysql")
    assert not sql.commits_by_itself("INSERT INTO b (id) VALUES (1)", "mysql")
    assert sql.inverse("CREATE TABLE b (id INTEGER PRIMARY KEY)", "mysql") == "DROP TABLE `b`"
    assert sql.inverse("DROP TABLE b", "mysql") is None


def test_the_fingerprint_changes_when_the_statement_ran(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    sql = SqlCompensator()
    statement = "CREATE TABLE b (id INTEGER PRIMARY KEY)"
    with engine.connect() as conn:
        before = sql.fingerprint(conn, statement, "sqlite")
        assert before["objects"] == ["b"]
        assert not sql.ran(conn, before)
        conn.exec_driver_sql(statement)
        assert sql.ran(conn, before)
    engine.dispose()


def test_a_context_without_a_session_says_the_step_needs_a_database() -> None:
    target = DatabaseTarget("somewhere", "sqlite", create_engine("sqlite://"))
    ctx = StepContext(target, "sqlite", lambda sql: None)
    with pytest.raises(UsageError, match="needs a database connection.*somewhere"):
        _ = ctx.connection


def test_the_estimate_is_the_sampled_rate_times_the_table() -> None:
    partial = ChunkSample(chunks=3, rows=300, seconds=0.5, rows_total=10_000, finished=False)
    estimate = sampled_estimate(partial)
    assert estimate is not None and estimate.source == SAMPLED
    assert estimate.seconds == pytest.approx(10_000 / 600)
    whole = ChunkSample(chunks=2, rows=150, seconds=0.2, rows_total=150, finished=True)
    measured = sampled_estimate(whole)
    assert measured is not None and measured.seconds == 0.2 and "whole step" in measured.basis
    unexecuted = ChunkSample(chunks=3, rows=0, seconds=0.1, rows_total=10_000, finished=False)
    assert sampled_estimate(unexecuted) is None  # MariaDB with helper tables: nothing measured
