"""`data copy` checks its source when written (issue 12, defect 6).

`--from nowhere --all` and `--table nosuch` used to commit fine and fail only at apply. Now the
source must answer (opened read-only, never created), the tables must exist there, each must
have a key to chunk by (or a valid --key), --map must name a copied table and --where must parse
and name columns the tables have. A refused step leaves no commit and no file behind.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "legacy.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
        conn.execute("CREATE TABLE note (body TEXT)")  # no key to chunk by
        conn.execute("INSERT INTO customer VALUES (1, 'ada@example.com')")
    return path


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--from", "nowhere", "--all"), 2, "nowhere"),
        (("--from", "sqlite:///missing.db", "--all"), 1, "no such database"),
        (("--from", "{src}", "--table", "nosuch"), 2, "source table 'nosuch' does not exist"),
        (("--from", "{src}", "--table", "note"), 2, "no primary key"),
        (
            ("--from", "{src}", "--table", "customer", "--key", "customer:nope"),
            2,
            "key column 'nope'",
        ),
        (("--from", "{src}", "--table", "customer", "--map", "other:x"), 2, "--map names table"),
        (
            ("--from", "{src}", "--table", "customer", "--where", "missing_col = 1"),
            2,
            "--where names column",
        ),
    ],  # fmt: skip
    ids=["unknown-source", "missing-file", "no-table", "no-key", "bad-key", "bad-map", "bad-where"],
)
def test_a_copy_step_that_cannot_run_is_refused_when_written(
    git_repo: Path,
    run_cli: CliRunner,
    source: Path,
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    assert run_cli("start", "legacy", "-m", "bring the legacy data").exit_code == 0
    head = git(git_repo, "rev-parse", "HEAD")
    files = set(git_repo.rglob("*"))
    argv = [a.replace("{src}", f"sqlite:///{source}") for a in args]
    result = run_cli("data", "copy", *argv, "-m", "copy")
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "hint:" in result.stderr
    assert git(git_repo, "rev-parse", "HEAD") == head  # nothing committed
    assert set(git_repo.rglob("*")) == files  # no missing.db created


def test_a_good_copy_step_is_committed(git_repo: Path, run_cli: CliRunner, source: Path) -> None:
    assert run_cli("start", "legacy", "-m", "bring the legacy data").exit_code == 0
    result = run_cli("data", "copy", "--from", f"sqlite:///{source}", "--table", "customer",
                     "--where", "id > 0", "-m", "copy")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "added step legacy/001" in result.stderr + result.stdout
    assert "to postgresql: " in result.stderr + result.stdout  # what each target dialect gets
