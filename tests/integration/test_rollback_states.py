"""Issue 12 defects 1, 2 and 5: states a rollback used to skip, loop in, or misrecord.

1. a data step left in flight by SIGINT is rolled back first (its committed chunks restored),
   never skipped in favour of the step before it, which would drop its table;
2. a data step that fails before its first chunk is simply `failed` (nothing to restore), and
   a rollback through steps whose before-images `cleanup` dropped is refused up front;
5. `rollback --force` of an irreversible step records it `skipped`: apply does not re-run it.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.reporter import NullReporter
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.cleanup import cleanup
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.apply import ApplyOptions, apply
from gitmigrate.engine.repair import RepairOptions, repair
from gitmigrate.engine.status import target_status
from gitmigrate.errors import BlockedError, InterruptedRunError, StepFailedError
from tests.engine_helpers import Project, make_project
from tests.engine_procs import cli_env, read_until, run_cli, start_cli, target_state
from tests.engine_procs import make_project as make_cli_project

ROWS = 1_200


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    """Migration `orders`: step 001 creates and fills the table (SQL), data steps follow."""
    project = make_project(db_url, git_repo)
    project.start("orders")
    values = ", ".join(f"({i}, {i % 7})" for i in range(1, ROWS + 1))
    project.step(
        "create item",
        "CREATE TABLE item (id INT PRIMARY KEY, n INT NOT NULL);\n"
        f"INSERT INTO item (id, n) VALUES {values};\n",
        "DROP TABLE item;\n",
    )
    return project


def _data(project: Project, summary: str, **fields: Any) -> None:
    options = {"table": "item", "batch_size": 200, "mode": "set", **fields}
    add_data_step(project.repo, summary=summary, options=DataOptions(**options))


def _items(project: Project) -> list[tuple[Any, ...]]:
    return project.sql("SELECT id, n FROM item ORDER BY id")


class _StopAfterTwoChunks(NullReporter):
    def progress(self, step: Any, position: int, total: int | None) -> None:
        if position == 400:  # rows: after the second chunk of 200
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would


def _interrupt_step_002(project: Project) -> list[tuple[Any, ...]]:
    project.apply(to="001")
    before = _items(project)
    _data(project, "bump", assignments=(("n", "n + 100"),))
    with pytest.raises(InterruptedRunError, match="2 chunk"):
        apply(project.repo, ApplyOptions(target="db", yes=True), _StopAfterTwoChunks())
    row = project.ledger()["orders/002"]
    assert (row.status, row.statements_done) == ("running", 2)
    assert _items(project) != before
    return before


# --- defect 1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [{"steps": 1}, {"to": "001"}])
def test_rollback_undoes_the_interrupted_data_step_not_the_one_before(
    project: Project, how: dict[str, Any]
) -> None:
    before = _interrupt_step_002(project)
    result = project.rollback(yes=True, **how)
    assert [p.step.id for p in result.planned] == ["orders/002"]
    assert _items(project) == before  # the committed chunks restored, the table still there
    ledger = project.ledger()
    assert ledger["orders/001"].status == "applied"
    assert ledger["orders/002"].status == "rolled_back"
    project.apply()  # and the step runs again from the start, exactly once
    assert _items(project) == [(i, n + 100) for i, n in before]


def test_rollback_all_starts_with_the_interrupted_step(project: Project) -> None:
    _interrupt_step_002(project)
    result = project.rollback(all=True, yes=True)
    assert [p.step.id for p in result.planned] == ["orders/002", "orders/001"]
    assert {r.status for r in project.ledger().values()} == {"rolled_back"}


# --- defect 2 ------------------------------------------------------------------------------------


def test_a_data_step_on_a_missing_table_fails_plainly_and_leaves_no_loop(
    project: Project,
) -> None:
    project.apply()
    _data(project, "nosuch", table="nosuch", assignments=(("v", "1"),))
    with pytest.raises(StepFailedError) as failed:
        project.apply()
    assert "restoring the before-images" not in str(failed.value)
    row = project.ledger()["orders/002"]
    assert (row.status, row.statements_done) == ("failed", 0)
    # nothing of it to undo: rolling back one step is the step before it, and that works
    result = project.rollback(steps=1, yes=True)
    assert [p.step.id for p in result.planned] == ["orders/001"]


def test_a_rollback_through_cleaned_steps_is_refused_before_it_starts(
    project: Project,
) -> None:
    _data(project, "bump", assignments=(("n", "n + 1"),))
    project.step("later", "CREATE TABLE later (id INT PRIMARY KEY);", "DROP TABLE later;")
    project.apply()
    assert cleanup(project.repo, "orders", target="db", yes=True).dropped
    ledger = project.ledger()
    with pytest.raises(BlockedError, match="orders/002") as refused:
        project.rollback(all=True, yes=True)
    assert "cleanup" in str(refused.value) and "--to" in refused.value.hint
    assert project.ledger() == ledger  # refused before anything ran: 003 is still applied
    # --force skips it as an irreversible step: its effects stay, recorded as skipped
    project.rollback(to="001", yes=True, force=True)
    statuses = {k: r.status for k, r in project.ledger().items()}
    assert statuses == {
        "orders/001": "applied",
        "orders/002": "skipped",
        "orders/003": "rolled_back",
    }


# --- defect 5 ------------------------------------------------------------------------------------


def test_a_forced_rollback_of_an_irreversible_step_records_it_skipped(project: Project) -> None:
    project.step("drop n", "ALTER TABLE item DROP COLUMN n;", irreversible="drops a column")
    project.apply(yes=True)
    project.rollback(steps=1, yes=True, force=True)
    row = project.ledger()["orders/002"]
    assert row.status == "skipped"
    assert project.apply().up_to_date  # not re-run unasked: its column is already gone
    state = {s.step_id: s for s in target_status(project.repo, "db").steps}["orders/002"]
    assert state.state == "skipped"
    assert "repair orders/002 --rerun" in (state.note or "")


# --- defect 1 through the CLI: a real SIGINT to `git migrate apply` ------------------------------

CLI_ROWS = 2_000


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def test_cli_rollback_after_sigint_restores_the_data_step_and_keeps_the_table(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue({"sqlite": "sqlite_url", "postgresql": "postgres_url"}[dialect])
    values = ", ".join(f"({i}, {i % 7})" for i in range(1, CLI_ROWS + 1))
    create = (
        "CREATE TABLE item (id INT PRIMARY KEY, n INT NOT NULL);\n"
        f"INSERT INTO item (id, n) VALUES {values};\n"
    )
    repo = make_cli_project(
        tmp_path / "repo", dialect, [("create item", create, "DROP TABLE item;\n")]
    )
    add_data_step(
        GitRepo(repo),
        summary="bump",
        options=DataOptions(
            mode="set", table="item", assignments=(("n", "n + 100"),), batch_size=100,
            sleep_between_batches=0.1,
        ),
    )  # fmt: skip
    env = cli_env(tmp_path / "home")
    proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    try:
        read_until(proc, "apply trial/002")
        time.sleep(0.8)  # a few of its twenty chunks commit
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (stdout, stderr)
    status, chunks = target_state(url).ledger["trial/002"]
    assert status == "running" and 0 < chunks < CLI_ROWS // 100, (status, chunks)

    rolled = run_cli(
        repo, env, "rollback", "--steps", "1", "--yes", "--no-progress", "--target", url
    )
    assert rolled.returncode == 0, rolled.stderr
    assert "trial/002" in rolled.stdout and "trial/001" not in rolled.stdout
    state = target_state(url)
    assert state.ledger == {"trial/001": ("applied", state.ledger["trial/001"][1]),
                            "trial/002": ("rolled_back", state.ledger["trial/002"][1])}  # fmt: skip
    assert state.counts["item"] == CLI_ROWS  # the table and its rows are still there
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id, n FROM item ORDER BY id").all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(i, i % 7) for i in range(1, CLI_ROWS + 1)]


# --- repair ----------------------------------------------------------------------------------


def _repair(project: Project, step: str, decision: str, **options: Any) -> str:
    return repair(project.repo, RepairOptions(step, decision, target="db", **options)).after


def test_an_abandoned_step_is_skipped_and_a_replaced_one_runs(project: Project) -> None:
    _data(project, "typo", table="nosuch", assignments=(("v", "1"),))
    with pytest.raises(StepFailedError):
        project.apply()
    assert _repair(project, "orders/002", "abandon") == "abandoned"
    assert project.apply().up_to_date
    assert '"step_repaired"' in project.notes_text()
    # the step replaced (same id, other files): the abandoned row does not block it
    project.git("reset", "-q", "--hard", "HEAD~1")
    _data(project, "fixed", assignments=(("n", "n + 1"),))
    project.apply()
    row = project.ledger()["orders/002"]
    assert row.status == "applied" and not project.apply().runs  # and stays applied


def test_resolved_by_hand_counts_as_applied_and_rerun_asks_first(project: Project) -> None:
    before = _interrupt_step_002(project)
    with pytest.raises(BlockedError, match="needs confirmation"):
        _repair(project, "002", "rerun")
    assert project.ledger()["orders/002"].status == "running"
    # the operator restores the rows by hand and decides to run the step again from the start
    project.sql("UPDATE item SET n = n - 100 WHERE n >= 100")
    assert _items(project) == before
    assert _repair(project, "002", "rerun", yes=True) == "pending"
    project.apply()
    assert _items(project) == [(i, n + 100) for i, n in before]
    with pytest.raises(BlockedError, match="is applied"):
        _repair(project, "002", "resolved")


def test_a_rollback_beneath_an_applied_step_gone_from_the_tree_is_refused(
    project: Project,
) -> None:
    """Found by the state machine: after `git reset --hard HEAD~1` took out step 002 (applied,
    it changed rows of 001's table), `rollback --steps 1` rolled back 001 and dropped the table
    with 002's changes, while the ledger still said 002 was applied."""
    _data(project, "bump", assignments=(("n", "n + 100"),))
    project.apply()
    before = _items(project)
    assert before[0][1] >= 100
    project.git("reset", "-q", "--hard", "HEAD~1")
    with pytest.raises(BlockedError, match="orders/002 is applied .* no longer in the tree") as exc:
        project.rollback(steps=1, yes=True)
    assert "git cherry-pick" in (exc.value.hint or "")
    assert _items(project) == before  # nothing was rolled back
    assert target_status(project.repo, "db").steps[0].state == "applied"
