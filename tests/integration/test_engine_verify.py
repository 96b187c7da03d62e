"""`verify` on SQLite, PostgreSQL and MariaDB: applied steps' verify.sql re-run against the live
data, and drift between the target's ledger, the run notes and the tree reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.ledger import Ledger
from gitmigrate.engine.verify import verify
from tests.engine_helpers import TARGET, Project, make_project


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


def test_verify_reruns_checks_and_reports_drift(project: Project) -> None:
    project.start("shop")
    first = project.step(
        "create t1",
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, name VARCHAR(50));\n"
        "INSERT INTO t1 (id, name) VALUES (1, 'a');",
        "DROP TABLE t1",
        verify="SELECT COUNT(*) FROM t1 WHERE name = 'a'",
    )
    project.step("create t2", "CREATE TABLE t2 (id INTEGER PRIMARY KEY)", "DROP TABLE t2")
    project.apply()

    clean = verify(project.repo, TARGET)
    assert clean.ok, clean.findings
    assert clean.checked == ["shop/001", "shop/002"]
    assert clean.findings == []

    project.sql("UPDATE t1 SET name = 'z' WHERE id = 1")  # changed by hand
    broken = verify(project.repo, TARGET)
    assert not broken.ok
    assert [(step, f.rule) for step, f in broken.findings] == [("shop/001", "verify")]
    assert "returned 0" in broken.findings[0][1].message
    assert project.sql("SELECT name FROM t1") == [("z",)]  # verify only reads
    project.sql("UPDATE t1 SET name = 'a' WHERE id = 1")

    # the ledger forgot a step that the run notes say was applied
    engine = create_target_engine(project.url)
    try:
        with engine.begin() as conn:
            Ledger(engine).delete(conn, "shop/002")
    finally:
        engine.dispose()
    drifted = verify(project.repo, TARGET)
    assert drifted.checked == ["shop/001"]
    notes_drift = [f for step, f in drifted.findings if step == "shop/002"]
    assert len(notes_drift) == 1 and notes_drift[0].rule == "drift"
    assert "run notes say applied" in notes_drift[0].message

    # an applied step whose files changed since
    (project.step_dir(first) / "up.sql").write_text("CREATE TABLE t1 (id INTEGER PRIMARY KEY)")
    project.commit_all("edit an applied step")
    changed = verify(project.repo, TARGET)
    assert not changed.ok
    errors = [(s, f.message) for s, f in changed.findings if f.severity == "error"]
    assert errors == [("shop/001", "shop/001: applied, but up.sql changed since")]
