"""Scenario 7, a rollback that fails: a six-statement step whose sixth statement fails.

PostgreSQL and SQLite run the step in one transaction: nothing of it is left. MariaDB commits
each DDL statement, so the engine runs the inverses of statements 5..1 newest first: the schema
equals the one before the step and the ledger says `rolled_back` with the error.

Variant (MariaDB): while statement 6 waits, the "application" creates a table whose foreign key
references the table statement 3 created, so the inverse of statement 3 fails for real. The
ledger says `needs_attention` at statement 3 with both errors, later runs refuse with that
message, and once the user removed the obstacle (and the cause of statement 6's failure) a plain
`resume` completes the step with no manual SQL.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.errors import BlockedError, StepFailedError
from tests.engine_helpers import Project, make_project


def _up(sixth: str) -> str:
    return (
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name VARCHAR(20));\n"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER);\n"
        "CREATE TABLE c (id INTEGER PRIMARY KEY);\n"
        "ALTER TABLE a ADD COLUMN note VARCHAR(10);\n"
        "CREATE INDEX ix_a_note ON a (note);\n" + sixth + ";\n"
    )


DOWN = "DROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;\n"


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    project = make_project(db_url, git_repo)
    project.sql("CREATE TABLE seed (id INTEGER PRIMARY KEY)")
    project.sql("INSERT INTO seed (id) VALUES (1)")
    project.start("six")
    return project


def test_a_failing_sixth_statement_leaves_the_schema_as_before(project: Project) -> None:
    project.step("six statements", _up("INSERT INTO seed (id) VALUES (1)"), DOWN)
    before = project.schema()
    with pytest.raises(StepFailedError) as caught:
        project.apply(yes=True)
    assert caught.value.step_id == "six/001"
    assert project.schema() == before
    row = project.ledger()["six/001"]
    # transactional DDL: the step's transaction was rolled back, nothing of it ran
    expected = "rolled_back" if project.dialect == "mysql" else "failed"
    assert (row.status, row.statements_done) == (expected, 0)
    assert row.error is not None
    if project.dialect == "mysql":
        assert "at statement 6" in str(caught.value)
    assert any(word in row.error.lower() for word in ("duplicate", "unique")), row.error
    # the failure is not sticky: with its cause gone the same step applies
    project.sql("DELETE FROM seed")
    project.apply(yes=True)
    assert project.ledger()["six/001"].status == "applied"


@pytest.mark.mysql
def test_an_inverse_that_fails_needs_attention_then_resume_completes(
    mysql_url: str, git_repo: Path
) -> None:
    project = make_project(mysql_url, git_repo)
    project.sql("CREATE TABLE seed (id INTEGER PRIMARY KEY)")
    project.sql("INSERT INTO seed (id) VALUES (1)")
    project.start("six")
    # statement 6 waits for the test's gate (a named lock), then fails on a duplicate key;
    # GET_LOCK names are server-wide, so the gate carries this test's database name (parallel
    # workers and other runs share the server)
    gate_name = f"gitmigrate_test_gate.{make_url(mysql_url).database}"
    sixth = f"INSERT INTO seed (id) SELECT 1 FROM DUAL WHERE GET_LOCK('{gate_name}', 60) = 1"
    project.step("six statements", _up(sixth), DOWN)
    before = project.schema()

    gate = create_engine(mysql_url, poolclass=NullPool)
    holder = gate.connect()
    assert holder.execute(text("SELECT GET_LOCK(:n, 5)"), {"n": gate_name}).scalar_one() == 1
    failure: list[BaseException] = []

    def run() -> None:
        try:
            project.apply(yes=True)
        except BaseException as exc:  # noqa: BLE001 - inspected by the test
            failure.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    try:
        for _ in range(3000):  # statements 1-5 are recorded: statement 6 waits at the gate
            rows = project.ledger()
            if "six/001" in rows and rows["six/001"].statements_done == 5:
                break
            time.sleep(0.01)
        else:
            raise AssertionError(f"statement 6 never started: {project.ledger()}")
        project.sql("CREATE TABLE obstacle (c_id INTEGER, FOREIGN KEY (c_id) REFERENCES c (id))")
    finally:
        holder.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": gate_name})
        holder.close()
        gate.dispose()
        runner.join(120)
    assert len(failure) == 1 and isinstance(failure[0], StepFailedError), failure

    row = project.ledger()["six/001"]
    assert (row.status, row.statements_done) == ("needs_attention", 3)
    assert row.error is not None
    assert "Duplicate entry" in row.error
    assert "the inverse of statement 3 (DROP TABLE `c`) failed" in row.error
    tables = set(project.schema()["tables"])
    assert {"a", "b", "c", "obstacle"} <= tables
    assert "note" not in project.schema()["tables"]["a"]["columns"]  # 5 and 4 were undone

    with pytest.raises(BlockedError) as refused:
        project.apply(yes=True)
    assert "needs attention" in str(refused.value)
    assert "the inverse of statement 3" in str(refused.value)
    # a rollback meanwhile is allowed (it is a way out) but fails on the same obstacle, and
    # leaves the step exactly as it found it
    with pytest.raises(StepFailedError):
        project.rollback(all=True, yes=True)
    assert project.ledger()["six/001"].status == "needs_attention"
    assert project.ledger()["six/001"].statements_done == 3

    # the user removes the obstacle and the row statement 6 collided with; no SQL of the step
    project.sql("DROP TABLE obstacle")
    project.sql("DELETE FROM seed")
    resumed = project.resume(yes=True)
    assert [r.step.id for r in resumed.runs] == ["six/001"]
    row = project.ledger()["six/001"]
    assert (row.status, row.statements_done, row.error) == ("applied", 6, None)
    project.rollback(all=True, yes=True)
    assert project.schema() == before


@pytest.mark.mysql
def test_resume_after_an_inverse_failed_undoes_cleanly_when_the_step_still_fails(
    mysql_url: str, git_repo: Path
) -> None:
    """needs_attention, the obstacle removed but statement 6 still failing: resume redoes 4-5,
    fails at 6 again and this time undoes everything: `rolled_back`, the schema as before."""
    project = make_project(mysql_url, git_repo)
    project.sql("CREATE TABLE seed (id INTEGER PRIMARY KEY)")
    project.sql("INSERT INTO seed (id) VALUES (1)")
    project.start("six")
    project.step("six statements", _up("INSERT INTO seed (id) VALUES (1)"), DOWN)
    before = project.schema()
    # an object the user made that depends on c, present before the run: the inverse of
    # statement 3 fails although statements 1-5 themselves succeed
    engine = create_engine(mysql_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("SET foreign_key_checks = 0"))
        conn.execute(text("CREATE TABLE obstacle (c_id INTEGER, FOREIGN KEY (c_id) REFERENCES c (id))"))  # fmt: skip
    engine.dispose()
    with pytest.raises(StepFailedError):
        project.apply(yes=True)
    row = project.ledger()["six/001"]
    assert (row.status, row.statements_done) == ("needs_attention", 3), row
    project.sql("DROP TABLE obstacle")
    with pytest.raises(StepFailedError) as again:
        project.resume(yes=True)
    assert "statement 6" in str(again.value)
    row = project.ledger()["six/001"]
    assert (row.status, row.statements_done) == ("rolled_back", 0)
    assert row.error is not None and "Duplicate entry" in row.error
    assert project.schema() == before
