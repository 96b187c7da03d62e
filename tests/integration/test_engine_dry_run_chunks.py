"""A data step's dry run takes the chunk path of its real run: it executes the first N chunks
(`--dry-run-chunks`, default 3) and rolls them back, its statement log is the first N chunks
of the real run's, and its estimate is extrapolated from those chunks. A step previewed only in
part leaves later steps of the dry run listed, not executed. On MariaDB a step that creates
helper tables (DDL, which commits) is listed chunk by chunk but not executed, as before.
On SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.core.model import Step
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.chunk_preview import SAMPLED
from tests.engine_helpers import Project, make_project

ROWS, BATCH = 1000, 100


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    project = make_project(db_url, git_repo)
    project.sql("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
    values = ", ".join(f"({i}, {i})" for i in range(1, ROWS + 1))
    project.sql(f"INSERT INTO account (id, balance) VALUES {values}")
    # the table's size comes from the statistics, which PostgreSQL and MariaDB keep lazily
    if project.dialect == "postgresql":
        project.sql("ANALYZE account")
    elif project.dialect == "mysql":
        project.sql("ANALYZE TABLE account")
    project.start("bank")
    return project


def _backfill(project: Project, *, backup: bool) -> Step:
    return add_data_step(
        project.repo,
        summary="double balances",
        options=DataOptions(
            mode="set",
            table="account",
            key=("id",),
            assignments=(("balance", "balance * 2"),),
            batch_size=BATCH,
            backup=backup,
        ),
    )


def _everything(project: Project) -> tuple[Any, ...]:
    return (*project.state(), project.sql("SELECT id, balance FROM account ORDER BY id"))


def _chunk_statements(statements: list[str]) -> list[int]:
    """Where each chunk's UPDATE stands in a statement log."""
    return [i for i, sql in enumerate(statements) if sql.startswith("UPDATE")]


def test_the_dry_run_is_the_first_chunks_of_the_run_and_leaves_the_table(
    project: Project,
) -> None:
    _backfill(project, backup=True)
    project.step("audit", "CREATE TABLE audit (id INTEGER PRIMARY KEY)", "DROP TABLE audit")
    before = _everything(project)

    dry = project.apply(dry_run=True, dry_run_chunks=2)
    assert _everything(project) == before
    assert project.ledger_raw() == []
    backfill, later = dry.runs
    assert len(_chunk_statements(backfill.statements)) == 2
    # the later step is listed, not executed: it could only be judged after the whole backfill
    assert later.statements and not later.previewed and later.not_previewed
    if project.dialect == "mysql":  # the before-image table is DDL: nothing executed
        assert not backfill.previewed
    else:
        assert "bank/001" in later.not_previewed
        assert backfill.previewed and backfill.sample is not None
        assert backfill.sample.rows == 2 * BATCH and not backfill.sample.finished

    real = project.apply(yes=True)
    statements = real.runs[0].statements
    assert len(_chunk_statements(statements)) == ROWS // BATCH
    assert backfill.statements == statements[: len(backfill.statements)]
    # exactly the helper table's statements, then two chunks (before-images, then the update)
    assert len(backfill.statements) == _chunk_statements(statements)[1] + 1
    assert project.sql("SELECT balance FROM account WHERE id = 1000") == [(2000,)]


def test_the_estimate_is_extrapolated_from_the_sampled_chunks(project: Project) -> None:
    step = _backfill(project, backup=False)  # DML only: executed on every dialect
    before = _everything(project)

    dry = project.apply(dry_run=True)  # the default: three chunks
    assert _everything(project) == before
    run = dry.runs[0]
    assert run.previewed and run.sample is not None
    sample = run.sample
    assert (sample.chunks, sample.rows, sample.finished) == (3, 3 * BATCH, False)
    assert sample.rows_total is not None and sample.rows_total > 0
    estimate = dry.estimates[step.id]
    assert estimate.source == SAMPLED
    rate = sample.rows / sample.seconds
    assert estimate.seconds == pytest.approx(sample.rows_total / rate)
    assert "3 sampled chunk(s)" in estimate.basis


def test_a_dry_run_that_covers_every_chunk_previews_the_whole_step(project: Project) -> None:
    step = _backfill(project, backup=False)
    project.step("after", "UPDATE account SET balance = balance + 1 WHERE id = 1", "SELECT 1")

    dry = project.apply(dry_run=True, dry_run_chunks=ROWS // BATCH)
    backfill, after = dry.runs
    assert backfill.sample is not None and backfill.sample.finished
    assert backfill.sample.rows == ROWS
    assert after.previewed  # the whole backfill was in effect for it
    assert dry.estimates[step.id].source == SAMPLED
    assert "whole step" in dry.estimates[step.id].basis
    assert project.sql("SELECT balance FROM account WHERE id = 1") == [(1,)]


def test_the_cli_takes_the_number_of_chunks(project: Project, run_cli: Callable[..., Any]) -> None:
    _backfill(project, backup=False)
    before = _everything(project)
    shown = run_cli(
        "apply", "--dry-run", "--dry-run-chunks", "2", "--no-progress", cwd=project.path
    )
    assert shown.exit_code == 0, shown.stderr
    assert _everything(project) == before
    assert "2 sampled chunk(s)" in shown.stdout + shown.stderr
    assert shown.stdout.count("UPDATE") == 2
