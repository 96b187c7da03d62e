"""`git migrate schema lint` end to end, in process through the CLI's error boundary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures_git import CliResult, CliRunner

UP = "-- the users table exists already\nALTER TABLE users ADD COLUMN email TEXT NOT NULL;\n"
DOWN = "ALTER TABLE users DROP COLUMN email;\n"


@pytest.fixture
def lint_cli(run_cli: CliRunner) -> Iterator[CliRunner]:
    """`schema lint ...`; attaches the command to the `schema` group if the lead has not yet."""
    from gitmigrate.cli.commands.schema import schema
    from gitmigrate.cli.commands.schema_lint import schema_lint_command

    added = "lint" not in schema.commands
    if added:
        schema.add_command(schema_lint_command)
    yield lambda *args, **kw: run_cli("schema", "lint", *args, **kw)
    if added:
        schema.commands.pop("lint")


def _usage_error(result: CliResult, fragment: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_lint_steps_files_allow_and_errors(
    git_repo: Path, run_cli: CliRunner, lint_cli: CliRunner, tmp_path: Path
) -> None:
    assert run_cli("start", "users").exit_code == 0
    (tmp_path / "up.sql").write_text(UP)
    (tmp_path / "down.sql").write_text(DOWN)
    added = run_cli("add", "sql", "--up", str(tmp_path / "up.sql"), "--down",
                    str(tmp_path / "down.sql"), "-m", "users")  # fmt: skip
    assert added.exit_code == 0, added.stderr

    # the current migration's steps, project dialect (sqlite): the NOT NULL column blocks
    result = lint_cli()
    assert result.exit_code == 3, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "migrations/users/001-users/up.sql:2:1: error [adding-not-nullable-column]"
    )
    assert "column email is added NOT NULL without a DEFAULT" in lines[1]
    assert lines[2].strip().startswith("fix: Add the column nullable")
    assert "dropping" not in result.stdout  # down.sql undoing up.sql is not a finding
    assert lines[-1] == "lint (sqlite): 2 file(s), 1 error(s), 0 warning(s), 1 blocking"

    # --allow keeps the finding, marks it, and the exit code is 0
    result = lint_cli("1", "--allow", "adding-not-nullable-column", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dialect"] == "sqlite" and report["blocking"] == 0
    assert [(f["rule"], f["line"], f["allowed"]) for f in report["findings"]] == [
        ("adding-not-nullable-column", 2, True)
    ]

    # loose files, another dialect: a syntax error is a blocking finding with its position
    bad = tmp_path / "bad.sql"
    bad.write_text("SELECT 1;\nCREATE TABLE t (a int,, b int);\n")
    result = lint_cli("--file", str(bad), "--dialect", "postgresql", "--json")
    assert result.exit_code == 3
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["line"], finding["file"]) == ("syntax-error", 2, str(bad))

    _usage_error(lint_cli("--file", str(bad), "--allow", "no-such-rule"), "no-such-rule")
    _usage_error(lint_cli("users/009"), "unknown step")
