"""`git migrate schema inspect` and `schema drift` end to end on SQLite: the worked examples of
docs/commands/schema-inspect.md and docs/commands/schema-drift.md."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.fixtures_git import CliRunner

UP = (
    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  email VARCHAR(100) NOT NULL UNIQUE\n"
    ");\n"
    "CREATE INDEX ix_users_email ON users (email);\n"
)
DOWN = "DROP TABLE users;\n"


def applied_project(git_repo: Path, run_cli: CliRunner) -> Path:
    (git_repo.parent / "up.sql").write_text(UP)
    (git_repo.parent / "down.sql").write_text(DOWN)
    assert run_cli("start", "users", "-m", "the users table").exit_code == 0
    result = run_cli(
        "add", "sql", "--up", str(git_repo.parent / "up.sql"),
        "--down", str(git_repo.parent / "down.sql"), "-m", "Create users",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = run_cli("apply")
    assert result.exit_code == 0, result.stderr
    return git_repo


def test_inspect_and_drift(git_repo: Path, run_cli: CliRunner, run_subprocess: CliRunner) -> None:
    repo = applied_project(git_repo, run_cli)

    as_json = run_cli("schema", "inspect", "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert document["target"] == "dev"
    (users,) = document["schema"]["tables"]  # the ledger table is not part of the schema
    assert users["name"] == "users"
    assert [c["name"] for c in users["columns"]] == ["id", "email"]
    assert users["columns"][1] | {"comment": None} == {
        "name": "email", "type": "VARCHAR(100)", "nullable": False, "default": None,
        "identity": False, "generated": None, "comment": None,
        "identity_generation": None, "on_update": None,
    }  # fmt: skip
    assert users["unique_constraints"] == [{"name": None, "columns": ["email"], "deferrable": None}]
    assert [ix["name"] for ix in users["indexes"]] == ["ix_users_email"]

    # the real process: SQL output for people
    as_sql = run_subprocess("schema", "inspect", cwd=repo)
    assert as_sql.exit_code == 0, as_sql.stderr
    assert as_sql.stdout.startswith("-- schema of dev (sqlite)\n")
    assert 'CREATE TABLE "users"' in as_sql.stdout
    assert 'CREATE INDEX "ix_users_email"' in as_sql.stdout

    clean = run_cli("schema", "drift")
    assert clean.exit_code == 0, clean.stderr
    assert "dev (sqlite): no drift against 1 applied step(s)" in clean.stdout

    # someone changes the database by hand
    with sqlite3.connect(repo / ".gitmigrate" / "dev.db") as conn:
        conn.execute("ALTER TABLE users ADD COLUMN nickname TEXT")
        conn.execute("DROP INDEX ix_users_email")
    drifted = run_cli("schema", "drift")
    assert drifted.exit_code == 1
    assert "drift: table users: column nickname added" in drifted.stdout
    assert "drift: table users: index ix_users_email missing" in drifted.stdout
    report = json.loads(run_cli("schema", "drift", "--json").stdout)
    assert report["clean"] is False and report["applied_steps"] == ["users/001"]
    assert report["differences"] == [
        "table users: column nickname added",
        "table users: index ix_users_email missing",
    ]


def test_unknown_target_is_a_usage_error(git_repo: Path, run_cli: CliRunner) -> None:
    result = run_cli("schema", "inspect", "--target", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown target 'nope'")
