"""Issue 12 defect 4: a SQL step written for another dialect (`add sql --dialect mysql` in a
project whose target is PostgreSQL) applied "fine", and its rollback then failed on the other
dialect's syntax. apply refuses it before anything runs (exit 3), naming the step, both dialects
and the fix, unless the step says `dialect = "any"` and its SQL parses for the target."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.authoring import SqlSource
from gitmigrate.errors import EXIT_BLOCKED, BlockedError
from gitmigrate.kinds.sql.authoring import add_sql_step
from tests.engine_helpers import Project, make_project
from tests.fixtures_git import CliRunner

PORTABLE = "CREATE TABLE t1 (id INT PRIMARY KEY)"  # runs on all three: only the claim differs


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    project = make_project(db_url, git_repo)
    project.start("shop")
    return project


def _other(dialect: str) -> str:
    return "postgresql" if dialect == "mysql" else "mysql"


def _add(project: Project, dialect: str, up: str = PORTABLE) -> None:
    add_sql_step(
        project.repo,
        summary="create t1",
        up=SqlSource(up, "up.sql"),
        down=SqlSource("DROP TABLE t1", "down.sql"),
        dialect=dialect,
    )


def test_a_step_for_another_dialect_is_refused_before_anything_runs(project: Project) -> None:
    other = _other(project.dialect)
    _add(project, other)
    before = project.state()
    with pytest.raises(BlockedError) as caught:
        project.apply()
    message = caught.value.message
    assert "shop/001" in message and other in message and project.dialect in message
    assert "\n" not in message and "dialect" in (caught.value.hint or "")
    assert caught.value.exit_code == EXIT_BLOCKED
    assert project.state() == before  # no table, no ledger row, no ref moved


def test_a_step_for_any_dialect_applies_and_rolls_back(project: Project) -> None:
    _add(project, "any")
    (step_toml,) = (project.path / "migrations" / "shop").glob("001-*/step.toml")
    assert 'dialect = "any"' in step_toml.read_text()
    assert len(project.apply().runs) == 1
    assert project.ledger()["shop/001"].status == "applied"
    project.rollback(all=True, yes=True)
    assert project.ledger()["shop/001"].status == "rolled_back"


def test_a_step_for_any_dialect_must_parse_for_the_target(project: Project) -> None:
    _add(project, "any")
    (step_dir,) = (project.path / "migrations" / "shop").glob("001-*")
    (step_dir / "up.sql").write_text("CREATE TABLE t1 (id INT")  # edited by hand, unparsable
    project.commit_all("break it")
    before = project.state()
    with pytest.raises(BlockedError, match=r"shop/001.*does not parse for"):
        project.apply()
    assert project.state() == before


def test_the_target_dialect_step_applies(project: Project) -> None:
    _add(project, project.dialect)
    assert len(project.apply().runs) == 1


def test_cli_add_sql_for_another_dialect_then_apply_exits_3(
    git_repo: Path, sqlite_url: str, run_cli: CliRunner, tmp_path: Path
) -> None:
    project = make_project(sqlite_url, git_repo)
    project.start("shop")
    up, down = tmp_path / "up.sql", tmp_path / "down.sql"
    up.write_text(PORTABLE)
    down.write_text("DROP TABLE t1")
    added = run_cli(
        "add", "sql", "-m", "create t1", "--up", str(up), "--down", str(down), "--dialect", "mysql"
    )
    assert added.exit_code == 0, added.stderr
    applied = run_cli("apply", "--yes")
    assert applied.exit_code == EXIT_BLOCKED, applied.stderr
    (line,) = [x for x in applied.stderr.splitlines() if x.startswith("error:")]
    assert "shop/001" in line and "mysql" in line and "sqlite" in line
    assert project.ledger_raw() == []
    any_step = run_cli(
        "add", "sql", "-m", "portable", "--up", str(up), "--down", str(down), "--dialect", "any"
    )
    assert any_step.exit_code == 0, any_step.stderr
