"""Scenario 2, crash-point sweep: a MariaDB step of six DDL statements is SIGKILLed at every
deterministic point of every statement -- after its intent is recorded but before it runs
(`before-statement`), after it ran but before its ledger counter is written (`before-record`,
the point where DDL's implicit commit used to leave a statement done but unrecorded), and after
its counter (`after-statement`). The next run (`git migrate resume`, no force, no repair, no
manual SQL) must know where it stopped and finish the step, and the schema must equal a clean
run's. The same sweep runs for the rollback of the step.

The kill is the test-only hook GITMIGRATE_CRASH_AT (gitmigrate/core/engine/crashpoint.py) in a
real `python -m gitmigrate` process. Only the killed run is a subprocess; the next run is the
library call the CLI makes. CI: `before-record` for statements 2, 4 and 6 of the apply,
`before-statement:3`, `after-statement:5`, one point of the rollback and one of the undo of a
failed step (7 kills); GITMIGRATE_RELIABILITY_FULL=1: all 18 points of each direction and the
undo after each of the five inverses (41 kills).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.db.ledger import LedgerRow
from gitmigrate.errors import BlockedError, StepFailedError
from tests.engine_helpers import Project, make_project
from tests.engine_procs import cli_env, run_cli
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import make_repo

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
STATEMENTS = 6
UP_SQL = (
    "CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);\n"
    "CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER, title VARCHAR(80));\n"
    "ALTER TABLE book ADD COLUMN isbn VARCHAR(20);\n"
    "CREATE INDEX ix_book_isbn ON book (isbn);\n"
    "ALTER TABLE book ADD CONSTRAINT fk_book_author FOREIGN KEY (author_id)"
    " REFERENCES author (id);\n"
    "ALTER TABLE author ADD CONSTRAINT ck_author_name CHECK (name <> '');\n"
)
DOWN_SQL = (
    "ALTER TABLE author DROP CONSTRAINT ck_author_name;\n"
    "ALTER TABLE book DROP FOREIGN KEY fk_book_author;\n"
    "DROP INDEX ix_book_isbn ON book;\n"
    "ALTER TABLE book DROP COLUMN isbn;\n"
    "DROP TABLE book;\n"
    "DROP TABLE author;\n"
)
POINTS = ("before-statement", "before-record", "after-statement")


def crash_points(direction: str) -> list[tuple[str, int]]:
    if FULL:
        return [(p, n) for n in range(1, STATEMENTS + 1) for p in POINTS]
    if direction == "down":
        return [("before-record", 2)]
    return [("before-record", n) for n in (2, 4, 6)] + [
        ("before-statement", 3),
        ("after-statement", 5),
    ]


def _project(path: Path, url: str, *, second: bool = True, failing: bool = False) -> Project:
    """Step 001 is the six-statement step; step 002 shows that the run goes on after it.
    `failing`: statement 6 of step 001 fails (a duplicate key), so the engine undoes 1-5."""
    make_repo(path)
    project = make_project(url, path)
    up = UP_SQL
    if failing:
        project.sql("CREATE TABLE seed (id INTEGER PRIMARY KEY)")
        project.sql("INSERT INTO seed (id) VALUES (1)")
        up = up.rsplit("ALTER TABLE author", 1)[0] + "INSERT INTO seed (id) VALUES (1);\n"
    project.start("library")
    project.step("library tables", up, DOWN_SQL)
    if second:
        project.step(
            "shelf", "CREATE TABLE shelf (id INTEGER PRIMARY KEY);\n", "DROP TABLE shelf;\n"
        )
    return project


def _cli(project: Project, env: dict[str, str], *args: str, crash: str | None = None) -> Any:
    run_env = dict(env)
    if crash is not None:
        run_env["GITMIGRATE_CRASH_AT"] = crash
    return run_cli(project.path, run_env, *args, "--yes", "--no-progress", "--target", "db")


def _ledger(project: Project) -> dict[str, LedgerRow]:
    return project.ledger()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The schema after a clean apply and after a clean rollback of the whole migration."""
    tmp = tmp_path_factory.mktemp("clean")
    with fresh_database_url("mysql", tmp) as url:
        project = _project(tmp / "repo", url)
        empty = project.schema()
        project.apply(yes=True)
        applied = project.schema()
        project.rollback(all=True, yes=True)
        assert project.schema() == empty
    return {"applied": applied, "empty": empty}


@pytest.mark.mysql
@pytest.mark.parametrize("point", crash_points("up"), ids=lambda p: f"{p[0]}:{p[1]}")
def test_sigkill_at_a_crash_point_of_apply_then_resume_equals_a_clean_run(
    point: tuple[str, int], clean: dict[str, Any], tmp_path: Path
) -> None:
    name, number = point
    env = cli_env(tmp_path / "home")
    with fresh_database_url("mysql", tmp_path) as url:
        project = _project(tmp_path / "repo", url)
        killed = _cli(project, env, "apply", crash=f"{name}:{number}")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        row = _ledger(project)["library/001"]
        assert row.status == "running"
        # the counter says what is recorded: one short of the statement at `before-record`
        expected_done = number if name == "after-statement" else number - 1
        assert row.statements_done == expected_done

        with pytest.raises(BlockedError, match="git migrate resume"):
            project.apply(yes=True)

        resumed = project.resume(yes=True)
        assert [r.step.id for r in resumed.runs] == ["library/001", "library/002"]
        # it knew: statement `number` ran unrecorded exactly when killed before its record
        assert ("statement_settled" in project.notes_text()) == (name == "before-record")
        rows = _ledger(project)
        assert {k: (r.status, r.statements_done) for k, r in rows.items()} == {
            "library/001": ("applied", STATEMENTS),
            "library/002": ("applied", 1),
        }
        assert project.schema() == clean["applied"]


@pytest.mark.mysql
@pytest.mark.parametrize("point", crash_points("down"), ids=lambda p: f"{p[0]}:{p[1]}")
def test_sigkill_at_a_crash_point_of_rollback_then_resume_equals_a_clean_rollback(
    point: tuple[str, int], clean: dict[str, Any], tmp_path: Path
) -> None:
    name, number = point
    env = cli_env(tmp_path / "home")
    with fresh_database_url("mysql", tmp_path) as url:
        project = _project(tmp_path / "repo", url, second=False)
        project.apply(yes=True)
        killed = _cli(project, env, "rollback", "--all", crash=f"{name}:{number}")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        row = _ledger(project)["library/001"]
        assert row.status == "running"
        assert (row.checkpoint or {}).get("direction") == "down"

        project.rollback(all=True, yes=True)
        assert ("statement_settled" in project.notes_text()) == (name == "before-record")
        rows = _ledger(project)
        assert {r.status for r in rows.values()} == {"rolled_back"}, rows
        assert project.schema() == clean["empty"]


@pytest.mark.mysql
@pytest.mark.parametrize("number", [1, 2, 3, 4, 5] if FULL else [3])
def test_sigkill_while_a_failed_step_is_undone_then_resume_undoes_the_rest(
    number: int, tmp_path: Path
) -> None:
    """Statement 6 fails, the engine runs the inverses of 5..1 and is killed right after the
    inverse of statement `number`, before its counter. Resume redoes what was undone, fails at
    statement 6 again and undoes everything: `rolled_back`, the schema as before the step."""
    env = cli_env(tmp_path / "home")
    with fresh_database_url("mysql", tmp_path) as url:
        project = _project(tmp_path / "repo", url, second=False, failing=True)
        empty = project.schema()
        killed = _cli(project, env, "apply", crash=f"before-undo-record:{number}")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        row = _ledger(project)["library/001"]
        assert (row.status, row.statements_done) == ("running", number)

        with pytest.raises(StepFailedError, match="at statement 6"):
            project.resume(yes=True)
        assert "statement_settled" in project.notes_text()
        row = _ledger(project)["library/001"]
        assert (row.status, row.statements_done) == ("rolled_back", 0)
        assert row.error is not None and "Duplicate entry" in row.error
        assert project.schema() == empty
