"""Bad input gives a clear GitMigrateError subclass and changes nothing: unreachable servers,
a wrong database name, an unknown target, a missing driver, an irreversible step in a rollback,
and a ledger row edited by hand into garbage."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from gitmigrate.errors import (
    BlockedError,
    CorruptMetadataError,
    GitMigrateError,
    TargetError,
    UsageError,
)
from tests.engine_helpers import Project, make_project
from tests.fixtures_db import server_url


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


@pytest.fixture
def offline(git_repo: Path, tmp_path: Path) -> Project:
    """A project with one step, whose default target is a SQLite file nobody touches."""
    project = make_project(f"sqlite:///{tmp_path / 'unused.db'}", git_repo)
    project.start("shop")
    project.step("create t1", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", "DROP TABLE t1")
    return project


def _refused(project: Project, target: str, error: type[GitMigrateError]) -> GitMigrateError:
    refs = project.refs()
    with pytest.raises(error) as caught:
        project.apply(target=target)
    assert project.refs() == refs
    assert caught.value.hint, "every user-facing error says what to do"
    return caught.value


@pytest.mark.parametrize(
    "dialect",
    [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_unreachable_database(offline: Project, tmp_path: Path, dialect: str) -> None:
    if dialect == "sqlite":
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the database's directory should be")
        url = f"sqlite:///{blocker / 'app.db'}"
    else:
        url = make_url(server_url(dialect)).set(host="127.0.0.1", port=1).render_as_string(False)
    error = _refused(offline, url, TargetError)
    assert ("cannot connect" in str(error)) or ("cannot create the directory" in str(error))


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_wrong_database_name(offline: Project, dialect: str) -> None:
    url = make_url(server_url(dialect)).set(database="gm_no_such_database")
    error = _refused(offline, url.render_as_string(hide_password=False), TargetError)
    assert "'gm_no_such_database' does not exist" in str(error)


def test_unknown_target_name(offline: Project) -> None:
    error = _refused(offline, "prod", UsageError)
    assert "unknown target 'prod'" in str(error) and "db" in (error.hint or "")


@pytest.mark.parametrize(
    ("url", "module"),
    [
        ("mysql+mysqldb://root@127.0.0.1:3306/test", "MySQLdb"),
        ("postgresql+psycopg2://app@127.0.0.1:5432/test", "psycopg2"),
    ],
)
def test_missing_driver(offline: Project, url: str, module: str) -> None:
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    error = _refused(offline, url, TargetError)
    assert "driver" in str(error) and "not installed" in str(error)
    assert "pip install" in (error.hint or "")


def test_refusals_on_a_live_target_change_nothing(project: Project) -> None:
    project.start("shop")
    project.step(
        "create t1", "CREATE TABLE t1 (id INTEGER PRIMARY KEY, v INTEGER)", "DROP TABLE t1"
    )
    project.step(
        "import", "INSERT INTO t1 (id, v) VALUES (1, 1)", irreversible="imports customer data"
    )
    project.step("create t3", "CREATE TABLE t3 (id INTEGER PRIMARY KEY)", "DROP TABLE t3")
    project.apply()

    # an irreversible step in the way of a rollback
    before = project.state()
    with pytest.raises(BlockedError) as caught:
        project.rollback(all=True, yes=True)
    assert "shop/002" in str(caught.value) and "imports customer data" in str(caught.value)
    assert project.state() == before
    assert [r.step.id for r in project.rollback(steps=1, yes=True).runs] == ["shop/003"]

    # a ledger row edited by hand into a status no run writes
    project.sql("UPDATE gitmigrate_ledger SET status = 'done-ish' WHERE step_id = 'shop/001'")
    before = project.state()
    for attempt in (project.apply, lambda: project.rollback(all=True, yes=True)):
        with pytest.raises(CorruptMetadataError) as corrupt:
            attempt()
        assert "shop/001" in str(corrupt.value) and "done-ish" in str(corrupt.value)
        assert project.state() == before
    project.sql("UPDATE gitmigrate_ledger SET status = 'applied' WHERE step_id = 'shop/001'")

    # --force skips the irreversible step (its effects stay) and records that it did
    result = project.rollback(all=True, yes=True, force=True)
    assert [r.step.id for r in result.runs] == ["shop/001"]
    assert project.ledger()["shop/002"].status == "skipped"  # not re-run by apply (defect 5)
    assert project.ledger()["shop/001"].status == "rolled_back"
    log = project.git("log", "-3", "--format=%B", "migrate/shop")
    assert "Migrate-Rollback: shop/002" in log and "Skipped rollback of step shop/002" in log
