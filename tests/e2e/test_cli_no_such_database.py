"""Reading commands never create a SQLite database (issue 12, defect 8).

A mistyped path used to create an empty file (rc 0, an empty schema), and a dry run on a fresh
project created `.gitmigrate/dev.db` and its lock file. Now every command but `apply` opens an
existing file only (read-only where it only reads) and says "no such database" with a hint. A
dry run previews on an empty in-memory database when the file does not exist yet (what `apply`
would start from), so the README's demo can preview before it applies, and creates nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner

UP = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));\n"


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if ".git" not in p.relative_to(root).parts}


def _project_with_a_step(git_repo: Path, run_cli: CliRunner) -> None:
    (git_repo.parent / "up.sql").write_text(UP)
    (git_repo.parent / "down.sql").write_text("DROP TABLE users;\n")
    assert run_cli("start", "users", "-m", "users").exit_code == 0
    added = run_cli(
        "add", "sql", "--up", str(git_repo.parent / "up.sql"),
        "--down", str(git_repo.parent / "down.sql"), "-m", "Create users",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("schema", "inspect", "-t", "sqlite:///typo.db"),
        ("status", "-t", "sqlite:///typo.db"),
        ("verify", "-t", "sqlite:///typo.db"),
        ("schema", "drift", "-t", "sqlite:///nested/typo.db"),
        ("data", "validate", "--rules", "rules.toml", "-t", "sqlite:///typo.db"),
        ("rollback", "--all", "--yes", "-t", "sqlite:///typo.db"),
        (
            "data",
            "verify",
            "--from",
            "sqlite:///typo.db",
            "--to",
            "sqlite:///other.db",
            "--table",
            "users",
        ),
    ],  # fmt: skip
    ids=lambda args: " ".join(args),
)
def test_reading_commands_create_no_database(
    git_repo: Path, run_cli: CliRunner, args: tuple[str, ...]
) -> None:
    _project_with_a_step(git_repo, run_cli)
    (git_repo / "rules.toml").write_text(
        '[[check]]\ntable = "users"\ncolumn = "email"\nnot_null = true\n'
    )
    before = _files(git_repo)
    result = run_cli(*args)
    assert result.exit_code != 0, result.stdout
    assert "no such database" in result.stderr
    assert "hint:" in result.stderr
    assert _files(git_repo) == before  # no typo.db, no .gitmigrate/dev.db, no lock file


@pytest.mark.parametrize(
    "args",
    [("status",), ("verify",), ("schema", "drift"), ("schema", "inspect")],
    ids=lambda args: " ".join(args),
)
def test_on_a_fresh_project_the_missing_dev_database_reads_as_empty(
    git_repo: Path, run_cli: CliRunner, args: tuple[str, ...]
) -> None:
    """The project's own `.gitmigrate/dev.db` is what apply creates: before that, reading it
    shows the empty database apply would start from (all pending), and creates nothing."""
    _project_with_a_step(git_repo, run_cli)
    before = _files(git_repo)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert _files(git_repo) == before


def test_dry_run_on_a_fresh_project_creates_nothing(git_repo: Path, run_cli: CliRunner) -> None:
    _project_with_a_step(git_repo, run_cli)
    before = _files(git_repo)
    dry = run_cli("apply", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "CREATE TABLE users" in dry.stdout and "nothing was changed" in dry.stdout
    assert _files(git_repo) == before  # no .gitmigrate/dev.db, no lock file
    typo = run_cli("apply", "--dry-run", "-t", "sqlite:///typo.db")
    assert typo.exit_code == 0, typo.stderr
    assert _files(git_repo) == before


def test_apply_creates_the_default_database_and_readers_then_open_it_read_only(
    git_repo: Path, run_cli: CliRunner
) -> None:
    _project_with_a_step(git_repo, run_cli)
    applied = run_cli("apply")
    assert applied.exit_code == 0, applied.stderr
    assert (git_repo / ".gitmigrate" / "dev.db").is_file()
    status = run_cli("status")
    assert status.exit_code == 0, status.stderr
    inspected = run_cli("schema", "inspect")
    assert inspected.exit_code == 0, inspected.stderr
    assert "users" in inspected.stdout


def test_inspect_of_an_existing_database_by_url_works(
    git_repo: Path, run_cli: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "real.db"
    with sqlite3.connect(path) as conn:
        conn.execute(UP)
    inspected = run_cli("schema", "inspect", "-t", f"sqlite:///{path}")
    assert inspected.exit_code == 0, inspected.stderr
    assert "users" in inspected.stdout
