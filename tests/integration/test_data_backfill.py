"""Data steps through the engine on SQLite, PostgreSQL and MariaDB: keyset-chunked backfills and
transforms, a checkpoint per chunk, before-images restored by rollback, automatic restore on
failure, resume after an interruption, and the bad-input cases."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.core.reporter import NullReporter
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.naming import backup_table_name, quarantine_table_name
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.apply import ApplyOptions, apply
from gitmigrate.errors import (
    BlockedError,
    GitMigrateError,
    InterruptedRunError,
    StepFailedError,
    UsageError,
)
from tests.engine_helpers import Project, make_project

ROWS = 2_500
TRANSFORM = """
QUARANTINE_ON = (ValueError,)

def normalize(row):
    if row["id"] % 500 == 0:
        return None                      # quarantined: "returned None"
    if row["id"] % 700 == 0:
        raise ValueError("bad row")      # quarantined: declared error
    return {"email": row["email"].strip().lower(), "n": row["n"] + 1}
"""


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    project = make_project(db_url, git_repo)
    key = "INTEGER PRIMARY KEY" if project.dialect == "sqlite" else "INT PRIMARY KEY"
    project.sql(
        f"CREATE TABLE customer (id {key}, email VARCHAR(200) NOT NULL, n INT NOT NULL DEFAULT 0,"
        " note VARCHAR(50))"
    )
    values = ", ".join(f"({i}, ' User{i}@Example.COM ', 0, NULL)" for i in range(1, ROWS + 1))
    project.sql(f"INSERT INTO customer (id, email, n, note) VALUES {values}")
    project.start("emails")
    return project


def _add(project: Project, **fields: Any) -> None:
    summary = fields.pop("summary", "backfill")
    files = fields.pop("check_files", None)
    add_data_step(
        project.repo,
        summary=summary,
        options=DataOptions(**{"table": "customer", "batch_size": 300, **fields}),
        check_files=files,
    )


def _table(project: Project) -> list[tuple[Any, ...]]:
    return project.sql("SELECT id, email, n, note FROM customer ORDER BY id")


def _tables(project: Project) -> set[str]:
    from sqlalchemy import inspect

    from gitmigrate.db.connect import create_target_engine

    engine = create_target_engine(project.url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_set_backfill_applies_in_chunks_and_rollback_restores_exactly(project: Project) -> None:
    before = _table(project)
    _add(project, mode="set", assignments=(("email", "lower(trim(email))"), ("n", "n + 1")),
         where="id > 100")  # fmt: skip
    impact = json.loads(project.notes_text("refs/notes/migrate"))["impact"]
    assert (impact["objects"], impact["before_images"]) == (
        ["customer"],
        "gitmigrate_bk_emails_001",
    )
    result = project.apply()
    rows = _table(project)
    assert rows[0] == before[0]  # id 1 is outside --where
    assert rows[100] == (101, "user101@example.com", 1, None)
    assert sum(r[2] for r in rows) == ROWS - 100  # every matching row changed exactly once
    row = project.ledger()["emails/001"]
    assert row.status == "applied"
    chunk = (row.checkpoint or {})["chunk"]
    assert chunk["rows"] == ROWS - 100 and chunk["chunks"] == 8  # 2,400 rows / 300
    assert result.runs[0].details["rows"] == ROWS - 100
    assert '"rows": 2400' in project.notes_text() or '"rows":2400' in project.notes_text()
    assert backup_table_name("emails/001") in _tables(project)

    project.rollback(all=True, yes=True)
    assert _table(project) == before
    assert backup_table_name("emails/001") not in _tables(project)
    assert project.ledger()["emails/001"].status == "rolled_back"


def test_transform_quarantines_rejected_rows_and_rollback_restores(project: Project) -> None:
    source = project.path / "normalize.py"
    source.write_text(TRANSFORM, encoding="utf-8")
    before = _table(project)
    _add(project, mode="transform", transform="normalize.py:normalize", columns=("email", "n"))
    project.apply()
    rows = {r[0]: r for r in _table(project)}
    rejected = {i for i in range(1, ROWS + 1) if i % 500 == 0 or i % 700 == 0}
    for i in (1, 499, 2499):
        assert rows[i][1:3] == (f"user{i}@example.com", 1)
    for i in rejected:
        assert rows[i] == before[i - 1]  # set aside, unchanged
    quarantine = quarantine_table_name("emails/001")
    reasons = project.sql(f"SELECT key_json, reason FROM {quarantine} ORDER BY key_json")
    assert len(reasons) == len(rejected)
    assert {r[1] for r in reasons} == {"the transform returned None", "ValueError: bad row"}
    chunk = (project.ledger()["emails/001"].checkpoint or {})["chunk"]
    assert chunk["quarantined"] == len(rejected) and chunk["rows"] == ROWS - len(rejected)

    project.rollback(all=True, yes=True)
    assert _table(project) == before
    assert not {quarantine, backup_table_name("emails/001")} & _tables(project)


def test_a_failing_chunk_restores_the_committed_ones_and_reruns_cleanly(project: Project) -> None:
    before = _table(project)
    # rows above 1,000 break NOT NULL: chunks 1-3 commit, chunk 4 fails on every dialect
    _add(project, mode="set",
         assignments=(("email", "CASE WHEN id > 1000 THEN NULL ELSE lower(email) END"),))  # fmt: skip
    with pytest.raises(StepFailedError, match="failed after 3 committed chunk"):
        project.apply()
    assert _table(project) == before
    row = project.ledger()["emails/001"]
    assert row.status == "failed" and row.error
    assert backup_table_name("emails/001") not in _tables(project)


def test_interrupted_backfill_resumes_after_its_last_checkpoint(project: Project) -> None:
    _add(project, mode="set", assignments=(("n", "n + 1"),))

    class StopAfterTwoChunks(NullReporter):
        def progress(self, step: Any, position: int, total: int | None) -> None:
            if position == 600:  # rows: after the second chunk of 300
                os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would

    with pytest.raises(InterruptedRunError, match="2 chunk"):
        apply(project.repo, ApplyOptions(target="db", yes=True), StopAfterTwoChunks())
    row = project.ledger()["emails/001"]
    assert row.status == "running" and row.statements_done == 2
    assert project.sql("SELECT sum(n) FROM customer")[0][0] == 600
    with pytest.raises(BlockedError, match="resume"):
        project.apply()
    project.resume()
    assert project.sql("SELECT min(n), max(n), count(*) FROM customer")[0] == (1, 1, ROWS)
    resumed = (project.ledger()["emails/001"].checkpoint or {})["chunk"]["checksum"]
    # the chained chunk checksums equal those of an uninterrupted run of the same step
    project.rollback(all=True, yes=True)
    project.apply()
    assert (project.ledger()["emails/001"].checkpoint or {})["chunk"]["checksum"] == resumed


def test_no_backup_is_irreversible_and_rollback_needs_force(project: Project) -> None:
    _add(project, mode="set", assignments=(("n", "n + 5"),), backup=False)
    with pytest.raises(BlockedError, match="confirmation"):
        project.apply()  # rewriting rows with no way back is destructive: it asks first
    project.apply(yes=True)
    assert backup_table_name("emails/001") not in _tables(project)
    with pytest.raises(BlockedError, match="irreversible"):
        project.rollback(all=True, yes=True)
    project.rollback(all=True, yes=True, force=True)
    assert project.sql("SELECT min(n) FROM customer")[0][0] == 5  # its effect stays


def test_dry_run_changes_nothing(project: Project) -> None:
    _add(project, mode="set", assignments=(("n", "n + 1"),))
    before = (_table(project), project.refs(), _tables(project))
    result = project.apply(dry_run=True)
    assert (_table(project), project.refs(), _tables(project)) == before
    statements = result.runs[0].statements
    assert any(s.startswith("UPDATE") for s in statements)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "set", "assignments": (("n", "n +"),)}, "does not parse"),
        ({"mode": "set", "assignments": (("n", "1"),), "where": "id >"}, "does not parse"),
        ({"mode": "transform", "transform": "missing.py:f"}, "does not exist"),
        ({"mode": "transform", "transform": "broken.py:f"}, "does not import"),
        ({"mode": "transform", "transform": "twoargs.py:f"}, "exactly one argument"),
        ({"mode": "transform", "transform": "twoargs.py:g"}, "no function 'g'"),
    ],
)
def test_bad_input_is_refused_and_commits_nothing(
    project: Project, fields: dict[str, Any], message: str
) -> None:
    (project.path / "broken.py").write_text("import not_a_module_anywhere\n", encoding="utf-8")
    (project.path / "twoargs.py").write_text("def f(row, other):\n    return row\n")
    head = project.git("rev-parse", "HEAD")
    with pytest.raises(GitMigrateError, match=message):
        _add(project, **fields)
    assert project.git("rev-parse", "HEAD") == head


def test_a_table_without_a_key_asks_for_key(project: Project) -> None:
    project.sql("CREATE TABLE events (at VARCHAR(30), what VARCHAR(30))")
    head = project.git("rev-parse", "HEAD")
    with pytest.raises(UsageError, match="--key"):
        add_data_step(
            project.repo,
            summary="x",
            options=DataOptions(mode="set", table="events", assignments=(("what", "'x'"),)),
            target="db",
        )
    with pytest.raises(UsageError, match="no table named 'nope'"):
        add_data_step(
            project.repo,
            summary="x",
            options=DataOptions(mode="set", table="nope", assignments=(("n", "1"),)),
            target="db",
        )
    with pytest.raises(UsageError, match="does not run on"):
        add_data_step(
            project.repo,
            summary="x",
            options=DataOptions(mode="set", table="customer", assignments=(("n", "no_such_col"),)),
            target="db",
        )
    assert project.git("rev-parse", "HEAD") == head


def test_cleanup_drops_before_images_only_once_the_migration_is_complete(
    project: Project,
) -> None:
    from gitmigrate.data.cleanup import cleanup

    _add(project, mode="set", assignments=(("n", "n + 1"),))
    _add(project, summary="second", mode="set", assignments=(("note", "'x'"),))
    project.apply(to="001")
    with pytest.raises(BlockedError, match="not complete.*emails/002"):
        cleanup(project.repo, "emails", target="db", yes=True)
    project.apply()
    listed = cleanup(project.repo, "emails", target="db", dry_run=True)
    assert listed.tables == [backup_table_name("emails/001"), backup_table_name("emails/002")]
    with pytest.raises(BlockedError, match="confirmation"):
        cleanup(project.repo, "emails", target="db")
    assert cleanup(project.repo, "emails", target="db", yes=True).dropped
    assert not {backup_table_name("emails/001"), backup_table_name("emails/002")} & _tables(project)
    with pytest.raises(BlockedError, match="cleanup. dropped the before-images"):
        project.rollback(all=True, yes=True)  # refused before it starts (issue 12 defect 2)
    assert '"cleanup"' in project.notes_text()


def test_cleanup_drops_before_images_under_the_target_lock(project: Project) -> None:
    """While another run holds the target's migration lock (a rollback that will read the
    before-images), cleanup drops nothing: it waits for the lock, then gives up."""
    from gitmigrate.data.cleanup import cleanup
    from gitmigrate.db.connect import create_target_engine
    from gitmigrate.db.locks import target_lock
    from gitmigrate.errors import LockTimeoutError

    _add(project, mode="set", assignments=(("n", "n + 1"),))
    project.apply()
    engine = create_target_engine(project.url)
    try:
        with target_lock(engine, timeout=5), pytest.raises(LockTimeoutError):
            cleanup(project.repo, "emails", target="db", yes=True, lock_timeout=0.5)
    finally:
        engine.dispose()
    assert backup_table_name("emails/001") in _tables(project)
    assert cleanup(project.repo, "emails", target="db", yes=True).dropped


def test_pre_and_post_checks_guard_the_step(project: Project) -> None:
    before = _table(project)
    strict = project.path / "strict.toml"
    strict.write_text('[[check]]\ntable = "customer"\ncolumn = "n"\nrange = { max = 0 }\n')
    # post-check: after the step every n must be 0 -- it is 1, so the step is undone
    _add(project, mode="set", assignments=(("n", "n + 1"),),
         check_files={"post_checks": strict})  # fmt: skip
    step_files = set(next((project.path / "migrations" / "emails").glob("001-*")).iterdir())
    assert {p.name for p in step_files} == {"step.toml", "post-checks.toml"}
    with pytest.raises(StepFailedError, match="post-check post-checks.toml"):
        project.apply()
    assert _table(project) == before
    assert project.ledger()["emails/001"].status == "failed"


def test_a_failing_pre_check_changes_nothing(project: Project) -> None:
    before = _table(project)
    pre = project.path / "pre.toml"
    pre.write_text('[[check]]\ntable = "customer"\ncolumn = "note"\nnot_null = true\n')
    _add(project, mode="set", assignments=(("n", "n + 1"),), check_files={"pre_checks": pre})
    with pytest.raises(StepFailedError, match="pre-check pre-checks.toml.*2500 violation"):
        project.apply()
    assert _table(project) == before
