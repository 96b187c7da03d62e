"""Issue 12 defect 3: a failed step replaced by a fixed one with the same id (`git reset --hard
HEAD~1`, then a new step) is a new step. Its apply records the new checksum (data steps kept the
old one, so `verify` reported "changed since" forever), and `status` shows the old failure only
while the step's files are the ones that failed; otherwise the step is pending and the old row is
history (`previous` in JSON). An applied row stays protected by its checksum."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.catalog import load_migration
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.status import target_status
from gitmigrate.engine.verify import verify
from gitmigrate.errors import ChecksumMismatchError, StepFailedError
from tests.engine_helpers import TARGET, Project, make_project

ROWS = 50


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    project = make_project(db_url, git_repo)
    key = "INTEGER PRIMARY KEY" if project.dialect == "sqlite" else "INT PRIMARY KEY"
    project.sql(f"CREATE TABLE customer (id {key}, email VARCHAR(200) NOT NULL, n INT NOT NULL)")
    values = ", ".join(f"({i}, 'U{i}@X.COM', 0)" for i in range(1, ROWS + 1))
    project.sql(f"INSERT INTO customer (id, email, n) VALUES {values}")
    project.start("emails")
    return project


def _data(project: Project, summary: str, expression: str) -> None:
    add_data_step(
        project.repo,
        summary=summary,
        options=DataOptions(
            mode="set", table="customer", batch_size=10, assignments=(("email", expression),)
        ),
    )


def _fail_then_replace(project: Project) -> None:
    # rows above 20 break NOT NULL: the step fails after two committed chunks, restored
    _data(project, "lower emails", "CASE WHEN id > 20 THEN NULL ELSE lower(email) END")
    with pytest.raises(StepFailedError):
        project.apply()
    assert project.ledger()["emails/001"].status == "failed"
    project.git("reset", "-q", "--hard", "HEAD~1")
    _data(project, "lower emails", "lower(email)")


def test_a_replaced_failed_data_step_records_its_new_checksum(project: Project) -> None:
    _fail_then_replace(project)
    project.apply()
    (step,) = load_migration(project.repo, "emails").steps
    row = project.ledger()["emails/001"]
    assert row.status == "applied" and row.checksum == step.checksum
    assert row.commit == step.commit
    result = verify(project.repo, TARGET)
    assert result.ok and result.findings == [], result.findings
    assert target_status(project.repo, TARGET).drift == []
    assert project.sql("SELECT COUNT(*) FROM customer WHERE email <> lower(email)") == [(0,)]


def test_status_shows_a_replaced_failed_step_as_pending(project: Project) -> None:
    _fail_then_replace(project)
    status = target_status(project.repo, TARGET)
    (state,) = [s for s in status.steps if s.step_id == "emails/001"]
    assert state.state == "pending" and state.error is None
    assert state.previous is not None
    assert state.previous["status"] == "failed" and "NULL" in str(state.previous["error"]).upper()
    assert status.to_json()["failed"] == 0 and status.to_json()["pending"] == 1
    assert status.to_json()["steps"][0]["previous"]["status"] == "failed"
    # verify does not call the replaced step failed either: it is simply not applied yet
    assert verify(project.repo, TARGET).ok


def test_an_unchanged_failed_step_still_shows_its_failure(project: Project) -> None:
    _data(project, "lower emails", "CASE WHEN id > 20 THEN NULL ELSE lower(email) END")
    with pytest.raises(StepFailedError):
        project.apply()
    (state,) = target_status(project.repo, TARGET).steps
    assert state.state == "failed" and state.error and state.previous is None


def test_a_replaced_sql_step_that_fails_again_shows_the_new_failure(project: Project) -> None:
    project.step("bad", "INSERT INTO nosuch_a VALUES (1)")
    with pytest.raises(StepFailedError):
        project.apply()
    project.git("reset", "-q", "--hard", "HEAD~1")
    project.step("bad again", "INSERT INTO nosuch_b VALUES (1)")
    with pytest.raises(StepFailedError):
        project.apply()
    (state,) = target_status(project.repo, TARGET).steps
    assert state.state == "failed" and "nosuch_b" in (state.error or "")


def test_an_applied_step_stays_protected_by_its_checksum(project: Project) -> None:
    _data(project, "lower emails", "lower(email)")
    project.apply()
    project.git("reset", "-q", "--hard", "HEAD~1")
    _data(project, "upper emails", "upper(email)")
    with pytest.raises(ChecksumMismatchError):
        project.apply()
    (state,) = target_status(project.repo, TARGET).steps
    assert state.state == "applied" and state.changed
