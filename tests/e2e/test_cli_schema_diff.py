"""`git migrate schema diff` end to end on SQLite, through the engine: the worked example of
docs/commands/schema-diff.md (print, commit, apply, diff again, rename, rollback).

The command is invoked as a click command until the lead registers it in the `schema` group;
`apply`/`rollback` go through the real CLI."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner as ClickRunner
from click.testing import Result

from gitmigrate.cli.commands.schema_diff import schema_diff_command
from gitmigrate.errors import UsageError
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.sources import load_schema, reflect_url
from tests.fixtures_git import CliRunner, git, snapshot

DESIRED = """\
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name VARCHAR(100) NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  total NUMERIC(10, 2) NOT NULL DEFAULT 0
);
CREATE INDEX ix_orders_customer ON orders (customer_id);
"""
RENAMED = DESIRED.replace("name VARCHAR(100)", "full_name VARCHAR(100)")


def diff(repo: Path, *args: str) -> Result:
    return ClickRunner().invoke(
        schema_diff_command, list(args), obj={"repo_dir": str(repo)}, catch_exceptions=True
    )


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.fixture
def project(git_repo: Path, run_cli: CliRunner) -> Path:
    (git_repo / "schema.sql").write_text(DESIRED)
    git(git_repo, "add", "schema.sql")
    git(git_repo, "commit", "-q", "-m", "desired schema")
    assert run_cli("start", "shop").exit_code == 0
    return git_repo


def test_print_commit_apply_and_diff_again(project: Path, run_cli: CliRunner) -> None:
    before = snapshot(project)
    printed = ok(diff(project, "--to", "schema.sql", "--print"))
    assert printed.output.startswith('-- up (sqlite)\nCREATE TABLE "customers" (')
    assert 'CREATE INDEX "ix_orders_customer" ON "orders" ("customer_id");' in printed.output
    down = printed.output.split("-- down (sqlite)\n")[1]
    assert down.splitlines()[0] == 'DROP TABLE "orders";'
    assert snapshot(project) == before  # --print commits nothing

    committed = ok(diff(project, "--to", "schema.sql"))
    assert "added step shop/001 (schema diff to schema.sql)" in committed.output
    step_dir = "migrations/shop/001-schema-diff-to-schema-sql"
    meta = tomllib.loads(git(project, "show", f"HEAD:{step_dir}/step.toml"))
    assert meta["kind"] == "sql" and "options" not in meta
    up = printed.output.split("-- down (sqlite)\n")[0].removeprefix("-- up (sqlite)\n")
    assert git(project, "show", f"HEAD:{step_dir}/up.sql") + "\n" == up
    assert git(project, "show", f"HEAD:{step_dir}/down.sql") == down

    assert run_cli("apply").exit_code == 0
    live = reflect_url("sqlite:///.gitmigrate/dev.db", repo=None, display="dev")
    wanted = load_schema("schema.sql", repo=None, dialect="sqlite", server_url=None)
    assert schema_differences(wanted, live) == []

    # the source defaults to the replayed steps: nothing left to do
    head = snapshot(project)
    again = ok(diff(project, "--to", "schema.sql"))
    assert again.output.strip() == "schemas already match"
    assert snapshot(project) == head


def test_rename_is_flagged_then_applied_and_rolled_back(project: Path, run_cli: CliRunner) -> None:
    ok(diff(project, "--to", "schema.sql"))
    (project / "renamed.sql").write_text(RENAMED)

    flagged = ok(diff(project, "--to", "renamed.sql", "--print"))
    assert "customers.name -> customers.full_name looks like a rename" in flagged.output
    assert "--rename customers.name:customers.full_name" in flagged.output

    renamed = ok(
        diff(
            project,
            "--to",
            "renamed.sql",
            "--rename",
            "customers.name:customers.full_name",
            "-m",
            "Rename customer name",
        )  # fmt: skip
    )
    assert "looks like a rename" not in renamed.output
    assert renamed.output.startswith('ALTER TABLE "customers" RENAME COLUMN "name" TO "full_name";')
    assert "added step shop/002 (Rename customer name)" in renamed.output

    applied = run_cli("apply", "--allow", "renaming-column")  # the linter flags renames
    assert applied.exit_code == 0, applied.stderr
    live = reflect_url("sqlite:///.gitmigrate/dev.db", repo=None, display="dev")
    assert live.table("customers") is not None
    assert [c.name for c in live.table("customers").columns] == ["id", "full_name"]  # type: ignore[union-attr]

    assert run_cli("rollback", "--steps", "1").exit_code == 0
    live = reflect_url("sqlite:///.gitmigrate/dev.db", repo=None, display="dev")
    assert [c.name for c in live.table("customers").columns] == ["id", "name"]  # type: ignore[union-attr]


def test_bad_input_commits_nothing(project: Path) -> None:
    before = snapshot(project)
    (project / "broken.sql").write_text(
        "CREATE TABLE t (id INTEGER PRIMARY KEY,\n  x INTEGR NOT);\n"
    )
    failed = diff(project, "--to", "broken.sql")
    assert failed.exit_code != 0
    bad_rename = diff(project, "--to", "schema.sql", "--rename", "nonsense")
    assert isinstance(bad_rename.exception, UsageError)
    assert "old:new" in bad_rename.exception.message
    assert snapshot(project) == before
