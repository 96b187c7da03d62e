"""apply, status, rollback and verify through the real CLI (`python -m gitmigrate` processes) in a
temporary repository, against the project's default SQLite target."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures_git import CliResult, CliRunner, git

UP1 = "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL\n);\n"
DOWN1 = "DROP TABLE users;\n"
VERIFY1 = "SELECT count(*) >= 0 FROM users;\n"
UP2 = "ALTER TABLE users ADD COLUMN email TEXT;\nINSERT INTO users (name) VALUES ('ada');\n"
DOWN2 = "DELETE FROM users WHERE name = 'ada';\nALTER TABLE users DROP COLUMN email;\n"
DROP = "DROP TABLE users;\n"
RECREATE = UP1


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


@pytest.fixture
def sql(tmp_path: Path) -> Path:
    d = tmp_path / "sql"
    d.mkdir()
    files = {
        "up1.sql": UP1,
        "down1.sql": DOWN1,
        "verify1.sql": VERIFY1,
        "up2.sql": UP2,
        "down2.sql": DOWN2,
        "drop.sql": DROP,
        "recreate.sql": RECREATE,
    }
    for name, text in files.items():
        (d / name).write_text(text)
    return d


def test_apply_status_rollback_verify(git_repo: Path, sql: Path, run_subprocess: CliRunner) -> None:
    run = run_subprocess
    db = git_repo / ".gitmigrate" / "dev.db"
    ok(run("start", "users", "-m", "users table"))
    ok(run("add", "sql", "--up", str(sql / "up1.sql"), "--down", str(sql / "down1.sql"),
           "--verify", str(sql / "verify1.sql"), "-m", "create users"))  # fmt: skip
    ok(run("add", "sql", "--up", str(sql / "up2.sql"), "--down", str(sql / "down2.sql"),
           "-m", "add email"))  # fmt: skip
    refs_before = git(git_repo, "for-each-ref", "--format=%(refname) %(objectname)")

    dry = ok(run("apply", "--dry-run"))
    assert "CREATE TABLE users" in dry.stdout
    assert "ALTER TABLE users ADD COLUMN email TEXT;" in dry.stdout
    assert "nothing was changed" in dry.stdout
    assert not db.exists() or "users" not in tables(db)
    assert git(git_repo, "for-each-ref", "--format=%(refname) %(objectname)") == refs_before

    applied = ok(run("apply"))
    assert "apply: 2 step(s)" in applied.stdout
    assert {"users", "gitmigrate_ledger"} <= tables(db)
    assert "email" in columns(db, "users")
    assert "up to date" in ok(run("apply")).stdout

    status = json.loads(ok(run("status", "--json")).stdout)
    assert (status["applied"], status["pending"], status["failed"]) == (2, 0, 0)
    assert [(s["step_id"], s["state"]) for s in status["steps"]] == [
        ("users/001", "applied"),
        ("users/002", "applied"),
    ]
    assert status["steps"][0]["applied_by"]  # who applied it: git user.email, else $USER

    rolled = ok(run("rollback", "--steps", "1", "--yes"))
    assert "users/002" in rolled.stdout
    assert "email" not in columns(db, "users")
    assert "users" in tables(db)
    status = json.loads(ok(run("status", "--json")).stdout)
    assert [s["state"] for s in status["steps"]] == ["applied", "rolled_back"]

    head = git(git_repo, "log", "-1", "--format=%s%n%b", "migrate/users")
    assert head.startswith("rollback: add email")
    assert "Migrate-Rollback: users/002" in head
    assert git(git_repo, "log", "-1", "--format=%(trailers:key=Migrate-Rollback,valueonly)",
               "migrate/users").strip() == "users/002"  # fmt: skip

    verified = ok(run("verify"))
    assert "verify ok: 1 applied step(s) checked" in verified.stdout

    # the rolled-back step applies again; a destructive step needs --yes without a terminal
    ok(run("apply"))
    assert "email" in columns(db, "users")
    ok(run("add", "sql", "--up", str(sql / "drop.sql"), "--down", str(sql / "recreate.sql"),
           "-m", "drop users"))  # fmt: skip
    blocked = run("apply")
    assert blocked.exit_code == 3, (blocked.stdout, blocked.stderr)
    assert "--yes" in blocked.stderr
    assert "users/003" in blocked.stderr
    assert "users" in tables(db), "a refused destructive step changed the target"
    ok(run("apply", "--yes"))
    assert "users" not in tables(db)


def test_status_watch_follows_a_running_apply(
    git_repo: Path, tmp_path: Path, run_subprocess: CliRunner
) -> None:
    run = run_subprocess
    ok(run("start", "load", "-m", "a step that takes a while"))
    inserts = "".join(
        f"INSERT INTO t (n) WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s"
        f" WHERE k < 40000) SELECT k + {i * 40000} FROM s;\n"
        for i in range(30)
    )
    (tmp_path / "t.sql").write_text("CREATE TABLE t (n INTEGER PRIMARY KEY);\n")
    (tmp_path / "t_down.sql").write_text("DROP TABLE t;\n")
    (tmp_path / "load.sql").write_text(inserts)
    (tmp_path / "load_down.sql").write_text("DELETE FROM t;\n")
    ok(run("add", "sql", "--up", str(tmp_path / "t.sql"), "--down", str(tmp_path / "t_down.sql"),
           "-m", "table t"))  # fmt: skip
    ok(run("add", "sql", "--up", str(tmp_path / "load.sql"), "--down",
           str(tmp_path / "load_down.sql"), "-m", "load rows"))  # fmt: skip

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "gitmigrate", *args],
            cwd=git_repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    apply = start("apply", "--no-progress")
    watch = start("status", "--watch", "--interval", "0.2")
    try:
        assert watch.stdout is not None
        lines = [watch.stdout.readline() for _ in range(2)]
        still_running = apply.poll() is None
        watch.send_signal(signal.SIGINT)
        _, watch_err = watch.communicate(timeout=30)
        _, apply_err = apply.communicate(timeout=120)
    finally:
        for proc in (watch, apply):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert all(" applied; " in line for line in lines), lines
    assert still_running, "apply ended before status --watch printed twice; make the step longer"
    assert watch.returncode == 130, watch_err
    assert "Traceback" not in watch_err
    assert apply.returncode == 0, apply_err
    final = json.loads(ok(run("status", "--json")).stdout)
    assert final["applied"] == 2
