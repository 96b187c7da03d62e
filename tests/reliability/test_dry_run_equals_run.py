"""Scenario 6, dry run equals run: for pending schema (SQL) and data steps, the statements a
`--dry-run` lists (RunResult.runs[i].statements, the log every statement goes through) are
exactly those the real run then executes, in order; the dry run leaves the ledger, the data,
the schema and every git ref (notes included) as they were; and on MariaDB, where DDL commits by
itself, a step whose effect cannot be previewed inside a rolled-back transaction is flagged
(`previewed` False), never assumed -- nor is any later step of the same dry run that could only
have been judged with its effects. On SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.apply import RunResult
from tests.engine_helpers import Project, make_project


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    project = make_project(db_url, git_repo)
    project.sql("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
    values = ", ".join(f"({i}, {i * 10})" for i in range(1, 251))
    project.sql(f"INSERT INTO account (id, balance) VALUES {values}")
    return project


def _data(project: Project) -> list[tuple[Any, ...]]:
    return project.sql("SELECT id, balance FROM account ORDER BY id")


def _everything(project: Project) -> tuple[Any, ...]:
    """What a dry run must not touch: schema, raw ledger, every ref (notes too), the data."""
    return (*project.state(), _data(project))


def _statements(result: RunResult) -> list[tuple[str, list[str]]]:
    return [(run.step.id, run.statements) for run in result.runs]


def test_the_dry_run_lists_exactly_what_the_run_executes(project: Project) -> None:
    project.start("bank")
    project.step(  # data only: previewable everywhere
        "data fix", "UPDATE account SET balance = balance + 1 WHERE id <= 10", "SELECT 1"
    )
    add_data_step(  # a chunked data step: 250 rows in chunks of 100
        project.repo,
        summary="double balances",
        options=DataOptions(
            mode="set",
            table="account",
            key=("id",),
            assignments=(("balance", "balance * 2"),),
            batch_size=100,
        ),
    )
    project.step(
        "audit table",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, note VARCHAR(40));\n"
        "CREATE INDEX ix_audit_note ON audit (note);\n",
        "DROP TABLE audit",
    )
    project.step("audit rows", "INSERT INTO audit (id, note) SELECT id, 'x' FROM account")
    before = _everything(project)

    dry = project.apply(dry_run=True)
    assert _everything(project) == before
    assert project.ledger_raw() == []

    flags = [run.previewed for run in dry.runs]
    if project.dialect == "mysql":
        # the DML step executes and rolls back; the data step first creates its before-image
        # table (DDL, which would commit), so from there on nothing is executed or judged
        assert flags == [True, False, False, False]
    else:
        assert flags == [True, True, True, True]

    real = project.apply(yes=True)
    assert _statements(real) == _statements(dry)
    assert all(run.statements for run in real.runs)
    assert project.sql("SELECT COUNT(*) FROM audit") == [(250,)]
    assert _data(project)[0] == (1, 22)

    # and the dry run of the rollback lists what the rollback runs
    applied = _everything(project)
    dry_back = project.rollback(dry_run=True, all=True)
    assert _everything(project) == applied
    real_back = project.rollback(all=True, yes=True)
    assert _statements(real_back) == _statements(dry_back)


def test_the_cli_flags_every_step_it_could_not_preview(
    project: Project, run_cli: Callable[..., Any]
) -> None:
    project.start("bank")
    project.step("data fix", "UPDATE account SET balance = 0 WHERE id = 1", "SELECT 1")
    project.step("a table", "CREATE TABLE audit (id INTEGER PRIMARY KEY)", "DROP TABLE audit")
    project.step("rows", "INSERT INTO audit (id) SELECT id FROM account", "DELETE FROM audit")
    before = _everything(project)
    shown = run_cli("apply", "--dry-run", "--no-progress", cwd=project.path)
    assert shown.exit_code == 0, shown.stderr
    assert _everything(project) == before
    flagged = {
        step
        for step in ("bank/001", "bank/002", "bank/003")
        if f"{step}: not executed in the dry run" in shown.stdout + shown.stderr
    }
    assert flagged == ({"bank/002", "bank/003"} if project.dialect == "mysql" else set())
