"""`git migrate data add` / `cleanup` through the real CLI on the default SQLite target: a
backfill and a transform applied, rolled back and cleaned up, and the bad-input exit codes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.fixtures_git import CliResult, CliRunner, git


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def _rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, email, n FROM customer ORDER BY id").fetchall()


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _prepare(repo: Path) -> Path:
    db = repo / ".gitmigrate" / "dev.db"
    db.parent.mkdir(exist_ok=True)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT NOT NULL, n INT NOT NULL DEFAULT 0)"
        )
        conn.executemany(
            "INSERT INTO customer (id, email) VALUES (?, ?)",
            [(i, f" User{i}@Example.COM") for i in range(1, 1001)],
        )
    return db


def test_backfill_and_transform_apply_roll_back_and_clean_up(
    git_repo: Path, run_subprocess: CliRunner
) -> None:
    run = run_subprocess
    db = _prepare(git_repo)
    before = _rows(db)
    ok(run("start", "emails"))
    added = ok(run("data", "add", "--table", "Customer", "--set", "n = n + 1",
                   "--batch-size", "100", "--target", "dev", "-m", "count visits"))  # fmt: skip
    assert "added step emails/001" in added.stdout
    step_toml = next((git_repo / "migrations" / "emails").glob("001-*/step.toml")).read_text()
    assert 'table = "customer"' in step_toml and 'key = ["id"]' in step_toml  # resolved on dev
    (git_repo / "fix.py").write_text(
        "def normalize(row):\n    return {'email': row['email'].strip().lower()}\n"
    )
    ok(run("data", "add", "--table", "customer", "--transform", "fix.py:normalize",
           "--columns", "email", "-m", "normalize emails"))  # fmt: skip
    assert "fix.py" in git(git_repo, "show", "--name-only", "--format=", "HEAD")

    applied = ok(run("apply", "--no-progress"))
    assert "applied emails/002" in applied.stdout
    assert _rows(db)[0] == (1, "user1@example.com", 1)
    listed = ok(run("cleanup", "emails", "--dry-run")).stdout.splitlines()
    assert [line for line in listed if line.startswith("would drop")] == [
        "would drop gitmigrate_bk_emails_001",
        "would drop gitmigrate_bk_emails_002",
        "would drop gitmigrate_qt_emails_002",  # the transform's quarantine (empty here)
    ]

    ok(run("rollback", "--all", "--yes"))
    assert _rows(db) == before
    assert not {t for t in _tables(db) if t.startswith("gitmigrate_bk")}

    ok(run("apply", "--no-progress"))
    cleaned = ok(run("cleanup", "emails", "--yes"))
    assert "3 table(s) dropped" in cleaned.stdout
    assert not {t for t in _tables(db) if t.startswith(("gitmigrate_bk", "gitmigrate_qt"))}


def test_bad_input_exit_codes_and_no_commit(git_repo: Path, run_subprocess: CliRunner) -> None:
    run = run_subprocess
    _prepare(git_repo)
    ok(run("start", "bad"))
    head = git(git_repo, "rev-parse", "HEAD")
    cases = [
        (["--table", "customer", "-m", "x"], 2, "say how rows change"),
        (["--table", "customer", "--set", "n", "-m", "x"], 2, "is not COLUMN = EXPRESSION"),
        (["--table", "customer", "--set", "n = n +", "-m", "x"], 3, "does not parse"),
        (["--table", "nope", "--set", "n = 1", "--target", "dev", "-m", "x"], 2, "no table named"),
        (["--table", "customer", "--transform", "nofile.py:f", "-m", "x"], 2, "does not exist"),
    ]
    for args, code, message in cases:
        result = run("data", "add", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert git(git_repo, "rev-parse", "HEAD") == head
    blocked = run("cleanup", "bad")
    assert blocked.exit_code == 0 and "keeps no helper tables" in blocked.stdout
