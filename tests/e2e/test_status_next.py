"""`status` names the way out of every state a real run can reach, and that command gets out:
each state produced by the CLI on a SQLite project, `next` read from `status --json`, run,
and the state after it checked."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures_git import CliResult, CliRunner, git

TABLE = "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);\n" + "".join(
    f"INSERT INTO t (id, v) VALUES ({i}, {i});\n" for i in range(1, 7)
)


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def status(run_cli: CliRunner) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(ok(run_cli("status", "--json")).stdout)
    assert "next" in report and all("next" in s for s in report["steps"])
    return report


def step(report: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in report["steps"] if s["step_id"] == step_id)


def add_sql(run_cli: CliRunner, repo: Path, name: str, up: str, down: str) -> None:
    (repo.parent / f"{name}.up.sql").write_text(up)
    (repo.parent / f"{name}.down.sql").write_text(down)
    ok(
        run_cli(
            "add", "sql", "--up", str(repo.parent / f"{name}.up.sql"),
            "--down", str(repo.parent / f"{name}.down.sql"), "-m", name,
        )
    )  # fmt: skip


def follow(run_cli: CliRunner, repo: Path, command: str) -> CliResult:
    """Run the command `status` named (git commands through git, committing a restore)."""
    words = command.split()
    if words[0] == "git" and words[1] != "migrate":
        git(repo, *words[1:])
        if words[1] == "checkout":
            git(repo, "commit", "-q", "-m", "restore the applied version")
        return CliResult(0, "", "")
    return (
        run_cli(*words[2:], "-y")
        if words[2] in ("apply", "rollback", "resume")
        else run_cli(*words[2:])
    )


@pytest.fixture
def project(git_repo: Path, run_cli: CliRunner) -> Path:
    ok(run_cli("start", "m"))
    add_sql(run_cli, git_repo, "table", TABLE, "DROP TABLE t;\n")
    return git_repo


def test_pending_then_nothing(project: Path, run_cli: CliRunner) -> None:
    report = status(run_cli)
    assert report["next"] == "git migrate apply"
    assert step(report, "m/001")["state"] == "pending"
    ok(follow(run_cli, project, report["next"]))
    report = status(run_cli)
    assert report["next"] is None and step(report, "m/001")["next"] is None
    assert "next: nothing to do" in ok(run_cli("status")).stdout


def test_failed_names_apply_after_the_fix(project: Path, run_cli: CliRunner) -> None:
    ok(run_cli("apply", "-y"))
    add_sql(run_cli, project, "bad", "INSERT INTO nosuch (id) VALUES (1);\n", "SELECT 1;\n")
    assert run_cli("apply", "-y").exit_code == 1
    report = status(run_cli)
    assert step(report, "m/002")["state"] == "failed"
    assert report["next"] == "git migrate apply"
    assert "fix m/002" in report["next_why"]
    plain = ok(run_cli("status")).stdout
    assert "m/002 (failed): fix m/002" in plain and "next: git migrate apply" in plain
    (project / "migrations/m/002-bad/up.sql").write_text("UPDATE t SET v = v + 1 WHERE id > 0;\n")
    git(project, "commit", "-q", "-am", "fix the step")
    ok(follow(run_cli, project, report["next"]))
    assert status(run_cli)["next"] is None


def test_changed_names_the_restore(project: Path, run_cli: CliRunner) -> None:
    ok(run_cli("apply", "-y"))
    (project / "migrations/m/001-table/up.sql").write_text(TABLE + "-- edited\n")
    git(project, "commit", "-q", "-am", "edit an applied step")
    report = status(run_cli)
    assert step(report, "m/001")["changed"] == ["up.sql"]
    assert report["next"].startswith("git checkout ") and report["next"].endswith(
        " -- migrations/m/001-table"
    )
    assert "restore the applied version" in report["next_why"]
    ok(follow(run_cli, project, report["next"]))
    report = status(run_cli)
    assert report["next"] is None and report["drift"] == []
    ok(run_cli("apply", "-y"))


def test_gone_names_the_cherry_pick(project: Path, run_cli: CliRunner) -> None:
    add_sql(
        run_cli,
        project,
        "more",
        "INSERT INTO t (id, v) VALUES (9, 9);\n",
        "DELETE FROM t WHERE id = 9;\n",
    )
    ok(run_cli("apply", "-y"))
    gone = git(project, "rev-parse", "HEAD").strip()
    git(project, "reset", "-q", "--hard", "HEAD~1")
    report = status(run_cli)
    assert report["next"] == f"git cherry-pick {gone[:12]}"
    ok(follow(run_cli, project, report["next"]))
    assert status(run_cli)["next"] is None
    ok(run_cli("rollback", "--steps", "1", "-y"))
    assert status(run_cli)["next"] == "git migrate apply"


def test_rolled_back_names_apply(project: Path, run_cli: CliRunner) -> None:
    ok(run_cli("apply", "-y"))
    ok(run_cli("rollback", "--all", "-y"))
    report = status(run_cli)
    assert step(report, "m/001")["state"] == "rolled_back"
    assert report["next"] == "git migrate apply"
    ok(follow(run_cli, project, report["next"]))
    assert status(run_cli)["next"] is None


def test_scope_is_repeated(project: Path, run_cli: CliRunner) -> None:
    report = json.loads(ok(run_cli("status", "--json", "--migration", "m", "-t", "dev")).stdout)
    assert report["next"] == "git migrate apply --migration m --target dev"


def _ledger_rows_done(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            row = conn.execute(
                "SELECT checkpoint FROM gitmigrate_ledger WHERE status = 'running'"
            ).fetchone()
    except sqlite3.Error:
        return 0
    return 1 if row and row[0] and "chunk" in row[0] else 0


def test_killed_data_step_names_resume(project: Path, run_cli: CliRunner) -> None:
    ok(run_cli("apply", "-y"))
    ok(
        run_cli(
            "data", "add", "--table", "t", "--set", "v = v * 2", "--key", "id",
            "--batch-size", "1", "--sleep-between-batches", "0.3", "-m", "double",
        )
    )  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "gitmigrate", "apply", "-y"],
        cwd=project, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    db = project / ".gitmigrate" / "dev.db"
    deadline = time.monotonic() + 60
    while _ledger_rows_done(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the data step finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    report = status(run_cli)
    assert step(report, "m/002")["state"] == "running"
    assert report["next"] == "git migrate resume"
    ok(follow(run_cli, project, report["next"]))
    report = status(run_cli)
    assert report["next"] is None
    with sqlite3.connect(db) as conn:
        assert sorted(conn.execute("SELECT id, v FROM t")) == [(i, 2 * i) for i in range(1, 7)]


def test_data_step_on_a_missing_table_names_rollback(project: Path, run_cli: CliRunner) -> None:
    ok(run_cli("apply", "-y"))
    ok(run_cli("data", "add", "--table", "nosuch", "--set", "v = 1", "--key", "id", "-m", "bad"))
    assert run_cli("apply", "-y").exit_code == 1
    report = status(run_cli)
    state = step(report, "m/002")["state"]
    assert report["next"] is not None
    # issue 12 defect 2 fixed: a failure before any chunk committed is simply failed
    assert state == "failed" and report["next"] == "git migrate apply"
    ok(run_cli("repair", "m/002", "--abandon"))
    assert status(run_cli)["next"] is None
