"""apply/resume on SQLite, PostgreSQL and MariaDB: checksums, locking, atomic steps, verify with
automatic rollback, confirmation of destructive steps, merge order on main."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.locks import target_lock
from gitmigrate.errors import (
    EXIT_FAILED,
    BlockedError,
    ChecksumMismatchError,
    LockTimeoutError,
    StepFailedError,
)
from tests.engine_helpers import Project, make_project

T1 = "CREATE TABLE t1 (id INTEGER PRIMARY KEY, name VARCHAR(50))"


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


# -- 2. checksums ----------------------------------------------------------------------------


def test_edited_applied_step_is_refused_but_crlf_and_bom_are_not(project: Project) -> None:
    project.start("shop")
    step = project.step("create t1", T1 + ";\n", "DROP TABLE t1;\n")
    project.step("create t2", "CREATE TABLE t2 (id INTEGER PRIMARY KEY);\n", "DROP TABLE t2;\n")
    assert [r.step.id for r in project.apply(to="1").runs] == ["shop/001"]
    up = project.step_dir(step) / "up.sql"

    up.write_bytes(b"\xef\xbb\xbf" + (T1 + ";\r\n").encode())  # BOM + CRLF: same meaning
    project.commit_all("editor re-saved up.sql")
    result = project.apply()
    assert [r.step.id for r in result.runs] == ["shop/002"]  # 001 not re-run, 002 applied

    up.write_text(T1.replace("VARCHAR(50)", "VARCHAR(80)") + ";\n")
    project.commit_all("widen name")
    before = project.state()
    with pytest.raises(ChecksumMismatchError) as caught:
        project.apply()
    assert caught.value.step_id == "shop/001"
    assert caught.value.file == "up.sql"
    assert "shop/001" in str(caught.value) and "up.sql" in str(caught.value)
    assert project.state() == before


# -- 3. locking ------------------------------------------------------------------------------


def test_apply_waits_for_the_lock_then_times_out_changing_nothing(project: Project) -> None:
    project.start("shop")
    project.step("create t1", T1, "DROP TABLE t1")
    before = project.state()
    engine = create_target_engine(project.url)
    try:
        with target_lock(engine, timeout=5):
            with pytest.raises(LockTimeoutError) as caught:
                project.apply(lock_timeout=1)
    finally:
        engine.dispose()
    assert "locked by another git-migrate run" in str(caught.value)
    assert project.state() == before
    assert project.ledger_raw() == []


# -- 4. atomic steps -------------------------------------------------------------------------


def test_failed_step_leaves_nothing_of_itself(project: Project) -> None:
    """SQLite/PostgreSQL: one transaction. MariaDB: statements 1-2 undone by their inverses."""
    project.start("shop")
    project.step("create t0", "CREATE TABLE t0 (id INTEGER PRIMARY KEY)", "DROP TABLE t0")
    project.step(
        "three statements",
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, name VARCHAR(50));\n"
        "CREATE INDEX ix_t1_name ON t1 (name);\n"
        "INSERT INTO no_such_table VALUES (1);\n",
        "DROP TABLE t1",
    )
    project.apply(to="1")
    before = project.schema()
    with pytest.raises(StepFailedError) as caught:
        project.apply()
    assert caught.value.step_id == "shop/002"
    assert "no_such_table" in str(caught.value)
    assert project.schema() == before
    rows = project.ledger()
    assert rows["shop/001"].status == "applied"
    row = rows["shop/002"]
    if project.dialect == "mysql":
        assert "statement 3" in str(caught.value)
        assert row.status == "rolled_back"
    else:
        assert row.status == "failed"
    assert row.error and "no_such_table" in row.error
    assert row.statements_done == 0


def test_mariadb_step_without_inverse_needs_attention_then_resumes(
    mysql_url: str, git_repo: Path
) -> None:
    """needs_attention only arises where DDL is not transactional."""
    project = make_project(mysql_url, git_repo)
    project.start("shop")
    project.step(
        "populate",
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, v INTEGER);\n"
        "INSERT INTO t1 VALUES (1, 10);\n"
        "CREATE INDEX ix_t1_v ON t1 (v);\n"
        "INSERT INTO audit_log VALUES (1);\n",
        "DROP TABLE t1",
    )
    project.step("next", "CREATE TABLE t2 (id INTEGER PRIMARY KEY)", "DROP TABLE t2")
    with pytest.raises(StepFailedError):
        project.apply()
    row = project.ledger()["shop/001"]
    assert row.status == "needs_attention"
    assert "no automatic inverse" in (row.error or "")
    # the index (statement 3) had an inverse and was undone; the INSERT (2) had none
    assert project.sql("SELECT COUNT(*) FROM t1") == [(1,)]
    assert "ix_t1_v" not in project.schema()["tables"]["t1"]["indexes"]

    with pytest.raises(BlockedError) as caught:
        project.apply()
    assert "shop/001 needs attention" in str(caught.value)
    assert "audit_log" in str(caught.value)

    project.sql("CREATE TABLE audit_log (id INTEGER)")  # fix the cause
    result = project.resume()
    assert [r.step.id for r in result.runs] == ["shop/001", "shop/002"]
    rows = project.ledger()
    assert rows["shop/001"].status == "applied" and rows["shop/002"].status == "applied"
    assert "ix_t1_v" in project.schema()["tables"]["t1"]["indexes"]
    assert project.sql("SELECT COUNT(*) FROM audit_log") == [(1,)]


# -- 5. verify and automatic rollback --------------------------------------------------------


def test_failing_verify_rolls_back_the_step_or_the_whole_run(project: Project) -> None:
    project.start("shop")
    project.step("create t1", T1, "DROP TABLE t1")
    failing = project.step(
        "create t2",
        "CREATE TABLE t2 (id INTEGER PRIMARY KEY)",
        "DROP TABLE t2",
        verify="SELECT id FROM t2",  # no rows
    )
    before = project.schema()
    with pytest.raises(StepFailedError) as caught:
        project.apply(rollback_on_failure="all")
    assert caught.value.step_id == "shop/002"
    assert "returned no row" in str(caught.value)
    assert project.schema() == before
    rows = project.ledger()
    assert rows["shop/001"].status == "rolled_back"
    assert rows["shop/002"].status in ("failed", "rolled_back")

    (project.step_dir(failing) / "verify.sql").write_text(
        "SELECT COUNT(*) FROM t2"  # 0: false
    )
    project.commit_all("verify counts rows")
    with pytest.raises(StepFailedError) as caught:
        project.apply()  # default: only the failed step is rolled back
    assert caught.value.exit_code == EXIT_FAILED
    assert "returned 0" in str(caught.value)
    tables = project.schema()["tables"]
    assert "t1" in tables and "t2" not in tables
    rows = project.ledger()
    assert rows["shop/001"].status == "applied"
    assert rows["shop/002"].status in ("failed", "rolled_back")
    assert rows["shop/002"].error and "verify" in rows["shop/002"].error


# -- 8. confirmation of destructive steps ----------------------------------------------------


def test_destructive_step_needs_confirmation(project: Project) -> None:
    project.start("shop")
    project.step("create t1", T1, "DROP TABLE t1")
    project.step("drop t1", "DROP TABLE t1", T1)
    project.apply(to="1")
    before = project.state()

    with pytest.raises(BlockedError) as caught:
        project.apply()
    assert "shop/002" in str(caught.value) and "--yes" in str(caught.value)
    assert project.state() == before

    asked: list[str] = []
    with pytest.raises(BlockedError):
        project.apply(confirm=lambda q: asked.append(q) or False)
    assert len(asked) == 1 and "shop/002" in asked[0]
    assert project.state() == before

    result = project.apply(yes=True)
    assert [r.step.id for r in result.runs] == ["shop/002"]
    assert "t1" not in project.schema()["tables"]
    assert project.ledger()["shop/002"].status == "applied"


# -- merge order -----------------------------------------------------------------------------


def test_main_runs_migrations_in_merge_order(project: Project) -> None:
    project.start("b")
    project.step("b one", "CREATE TABLE tb (id INTEGER PRIMARY KEY)", "DROP TABLE tb")
    project.git("checkout", "-q", "main")
    project.start("a")
    project.step("a one", "CREATE TABLE ta (id INTEGER PRIMARY KEY)", "DROP TABLE ta")
    project.step("a two", "CREATE TABLE ta2 (id INTEGER PRIMARY KEY)", "DROP TABLE ta2")
    project.git("checkout", "-q", "main")
    project.git("merge", "-q", "--no-ff", "-m", "merge a", "migrate/a")
    project.git("merge", "-q", "--no-ff", "-m", "merge b", "migrate/b")

    dry = project.apply(dry_run=True)
    assert [p.step.id for p in dry.planned] == ["a/001", "a/002", "b/001"]
    result = project.apply()
    assert [r.step.id for r in result.runs] == ["a/001", "a/002", "b/001"]
    assert project.apply().up_to_date
    assert project.apply(target=project.url).up_to_date  # a URL target reads the same ledger
