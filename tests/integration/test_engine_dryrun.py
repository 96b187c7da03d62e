"""--dry-run on SQLite, PostgreSQL and MariaDB: it changes neither the target nor any git ref or
note, lists exactly the statements the real run executes, shows a failing step as failing where
it can execute (transactional DDL), and marks DDL it could not preview on MariaDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import StepFailedError
from tests.engine_helpers import Project, make_project


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


def test_dry_run_changes_nothing_and_lists_the_real_statements(project: Project) -> None:
    project.start("shop")
    project.step(
        "create t1",
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, name VARCHAR(50));\n"
        "CREATE INDEX ix_t1_name ON t1 (name);\n",
        "DROP TABLE t1",
        verify="SELECT COUNT(*) + 1 FROM t1",
    )
    project.step(
        "fill t1",
        "INSERT INTO t1 (id, name) VALUES (1, 'a');\nINSERT INTO t1 (id, name) VALUES (2, 'b');",
        "DELETE FROM t1",
        verify="SELECT COUNT(*) FROM t1 WHERE name = 'b'",
    )
    project.step("fails", "INSERT INTO no_such_table VALUES (1)", "SELECT 1")
    before = project.state()
    notes_before = project.git("for-each-ref", "refs/notes/")
    assert notes_before  # the step notes exist: a dry run must leave them exactly as they are

    dry = project.apply(dry_run=True, to="2")
    assert dry.dry_run and [r.step.id for r in dry.runs] == ["shop/001", "shop/002"]
    assert project.state() == before
    assert project.ledger_raw() == []  # not even the ledger table was created
    assert project.git("for-each-ref", "refs/notes/") == notes_before
    if project.dialect == "mysql":
        # DDL commits by itself: not executed, and the INSERTs that need its table neither
        assert [r.previewed for r in dry.runs] == [False, False]
    else:
        assert [r.previewed for r in dry.runs] == [True, True]

    if project.dialect != "mysql":
        with pytest.raises(StepFailedError) as caught:
            project.apply(dry_run=True)
        assert caught.value.step_id == "shop/003"
        assert "no_such_table" in str(caught.value)
        assert project.state() == before

    real = project.apply(to="2")
    assert [r.statements for r in real.runs] == [r.statements for r in dry.runs]
    assert real.runs[1].statements == [
        "INSERT INTO t1 (id, name) VALUES (1, 'a')",
        "INSERT INTO t1 (id, name) VALUES (2, 'b')",
        "SELECT COUNT(*) FROM t1 WHERE name = 'b'",  # verify.sql
    ]
    assert project.sql("SELECT COUNT(*) FROM t1") == [(2,)]

    # a dry rollback changes nothing either, and lists the statements the real one runs
    after_apply = project.state()
    dry_back = project.rollback(dry_run=True, all=True)
    assert project.state() == after_apply
    real_back = project.rollback(all=True, yes=True)
    assert [r.statements for r in real_back.runs] == [r.statements for r in dry_back.runs]
