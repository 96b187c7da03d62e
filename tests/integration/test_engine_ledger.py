"""The target's ledger is the authority (a second clone sees what the first applied), the run
notes audit who/where/which target without ever holding a password, and `status` counts and
reports drift -- on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.ledger import Ledger
from gitmigrate.engine.status import target_status
from gitmigrate.errors import GitMigrateError, StepFailedError
from tests.engine_helpers import TARGET, Project, clone, make_project

PASSWORD = "Pw-n0t-in-any-record-7f3a"


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


def _events(project: Project) -> list[dict[str, object]]:
    return [json.loads(line) for line in project.notes_text().splitlines() if line.strip()]


# -- 1. the target ledger is the authority ---------------------------------------------------


def test_second_clone_sees_the_steps_as_applied(project: Project, tmp_path: Path) -> None:
    project.start("shop")
    project.step("create t1", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", "DROP TABLE t1")
    project.step("create t2", "CREATE TABLE t2 (id INTEGER PRIMARY KEY)", "DROP TABLE t2")
    assert len(project.apply().runs) == 2
    ledger_before = project.ledger_raw()

    other = clone(project, tmp_path / "second-clone")
    assert other.git("branch", "--show-current").strip() == "migrate/shop"
    assert other.notes_text() == ""  # notes do not travel with a plain clone: only the ledger
    result = other.apply()
    assert result.up_to_date and result.runs == []
    assert project.ledger_raw() == ledger_before  # nothing re-run, nothing rewritten
    states = {s.step_id: s.state for s in target_status(other.repo, TARGET).steps}
    assert states == {"shop/001": "applied", "shop/002": "applied"}


# -- 10. audit -------------------------------------------------------------------------------


def test_run_events_carry_user_host_and_target_name(project: Project) -> None:
    project.git("config", "user.email", "auditor@example.com")
    project.start("shop")
    step = project.step("create t1", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", "DROP TABLE t1")
    project.apply()
    events = _events(project)
    names = [e["event"] for e in events]
    assert {"run_started", "step_started", "step_applied", "run_finished"} <= set(names)
    for event in events:
        assert event["user"] == "auditor@example.com"
        assert event["host"] == socket.gethostname()
        assert event["target"] == TARGET
    applied = [e for e in events if e["event"] == "step_applied"]
    assert applied[0]["step"] == "shop/001" and applied[0]["checksum"] == step.checksum
    row = project.ledger()["shop/001"]
    assert row.applied_by == "auditor@example.com" and row.host == socket.gethostname()


@pytest.fixture
def url_with_password(db_url: str) -> Iterator[str]:
    """The same database through a URL that carries a password the server checks or ignores:
    PostgreSQL's trust auth ignores it; on MariaDB a user with that password is created."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        pytest.skip("SQLite URLs carry no password")
    if url.get_backend_name() == "postgresql":
        yield url.set(password=PASSWORD).render_as_string(hide_password=False)
        return
    user = f"gm_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{PASSWORD}'"))
        conn.execute(text(f"GRANT ALL PRIVILEGES ON `{url.database}`.* TO '{user}'@'%'"))
    try:
        yield url.set(username=user, password=PASSWORD).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP USER IF EXISTS '{user}'@'%'"))
        admin.dispose()


def test_password_reaches_no_note_ledger_row_or_message(
    project: Project, url_with_password: str
) -> None:
    project.start("shop")
    project.step("create t1", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", "DROP TABLE t1")
    project.step("fails", "INSERT INTO no_such_table VALUES (1)", "SELECT 1")
    with pytest.raises(StepFailedError) as caught:
        project.apply(target=url_with_password)
    messages = [str(caught.value), repr(caught.value), caught.value.hint or ""]

    wrong = url_with_password.replace("@", "x@", 1) if project.dialect == "mysql" else None
    if wrong is not None:  # a refused login must not echo the password either
        with pytest.raises(GitMigrateError) as refused:
            project.apply(target=wrong)
        messages.append(str(refused.value))

    events = _events(project)
    assert events, "the run wrote no audit events"
    assert all("***" in str(e["target"]) for e in events)
    everything = "\n".join(messages) + project.notes_text() + project.git("log", "--all", "-p")
    everything += json.dumps(project.ledger_raw(), default=str)
    assert PASSWORD not in everything
    assert project.ledger()["shop/001"].status == "applied"  # it really ran through that URL


# -- 11. status ------------------------------------------------------------------------------


def test_status_counts_states_and_reports_drift(project: Project) -> None:
    project.start("shop")
    first = project.step("create t1", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", "DROP TABLE t1")
    second = project.step("create t2", "CREATE TABLE t2 (id INTEGER PRIMARY KEY)", "DROP TABLE t2")
    project.step("fails", "INSERT INTO no_such_table VALUES (1)", "SELECT 1")
    project.step("create t4", "CREATE TABLE t4 (id INTEGER PRIMARY KEY)", "DROP TABLE t4")
    with pytest.raises(StepFailedError):
        project.apply()

    status = target_status(project.repo, TARGET)
    summary = status.to_json()
    assert (summary["applied"], summary["pending"], summary["failed"], summary["in_flight"]) == (
        2,
        1,
        1,
        0,
    )
    assert status.drift == []
    failed = next(s for s in status.steps if s.step_id == "shop/003")
    assert failed.error and "no_such_table" in failed.error

    # a run that died mid-step (simulated: its ledger row says running)
    engine = create_target_engine(project.url)
    try:
        ledger = Ledger(engine)
        with engine.begin() as conn:
            template = ledger.rows(conn)["shop/001"]
            ledger.upsert(conn, replace(template, step_id="shop/004", seq=4, status="running"))
    finally:
        engine.dispose()
    summary = target_status(project.repo, TARGET).to_json()
    assert (summary["pending"], summary["in_flight"]) == (0, 1)

    project.git("rm", "-r", "-q", second.path)
    (project.step_dir(first) / "up.sql").write_text("CREATE TABLE t1 (id INTEGER NOT NULL)")
    project.commit_all("edit an applied step and remove another")
    status = target_status(project.repo, TARGET)
    assert sorted(status.drift) == [
        "shop/001: applied, but up.sql changed since",
        "shop/002: applied on the target but not in this tree",
    ]
    assert status.to_json()["applied"] == 1
