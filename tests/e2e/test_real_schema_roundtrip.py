"""Issue 18's acceptance, through the CLI in a real git repository: a real dump of a schema
with every object type (fixtures/real_schemas/, see its README.md) is baselined as one step,
diffed against an edited dump, applied, drift-checked, diffed again, and rolled back, and the
server's own dump tool sees exactly the original schema again.

Each stage asserts with its name, so a failure says where the round trip breaks. The
reference dumps come from databases the fixture files are loaded into as they are."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitmigrate.schema.scratch import load_sql
from tests.engine_helpers import make_project
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import CliResult, CliRunner, git
from tests.real_schema_support import (
    REAL,
    differing_lines,
    ensure_pg_role,
    mysqldump_schema,
    pg_dump_schema,
)


@dataclass(frozen=True)
class RealSchema:
    dialect: str
    original: str  # file names in fixtures/real_schemas
    edited: str
    dump: Callable[[str], str]


PG = RealSchema("postgresql", "pg_original.sql", "pg_edited.sql", pg_dump_schema)
MARIADB = RealSchema("mysql", "my_original.sql", "my_edited.sql", mysqldump_schema)


def ok(result: CliResult, stage: str) -> CliResult:
    assert result.exit_code == 0, (
        f"{stage}: exit {result.exit_code}\n{result.stderr}\n{result.stdout}"
    )
    return result


def same_dump(expected: str, actual: str, stage: str) -> None:
    differences = differing_lines(expected, actual)
    assert not differences, f"{stage}: the dumps differ (sorted lines):\n" + "\n".join(
        differences[:60]
    )


def reference_dump(real: RealSchema, file: str, url: str) -> str:
    """The dump of a database the fixture file was loaded into, as it is."""
    load_sql(url, (REAL / file).read_text(encoding="utf-8"), origin=file)
    return real.dump(url)


def round_trip(real: RealSchema, repo: Path, tmp_path: Path, run_cli: CliRunner) -> None:
    with (
        fresh_database_url(real.dialect, tmp_path) as target,
        fresh_database_url(real.dialect, tmp_path) as original_db,
        fresh_database_url(real.dialect, tmp_path) as edited_db,
    ):
        original = reference_dump(real, real.original, original_db)
        edited = reference_dump(real, real.edited, edited_db)
        make_project(target, repo)
        (repo / "schema").mkdir()
        shutil.copy(REAL / real.original, repo / "schema" / "original.sql")
        shutil.copy(REAL / real.edited, repo / "schema" / "edited.sql")
        git(repo, "add", "schema")
        git(repo, "commit", "-q", "-m", "the real schema, as dumped, and an edited copy")
        ok(run_cli("start", "real"), "start")

        ok(run_cli("schema", "diff", "--to", "schema/original.sql", "-m", "baseline"), "baseline")
        listed = git(repo, "ls-tree", "-d", "--name-only", "HEAD", "migrations/real/").split()
        steps = [name for name in listed if name != "migrations/real/migration.toml"]
        assert len(steps) == 1, f"baseline: one step expected, got {steps}"
        ok(run_cli("apply", "--yes"), "apply baseline")
        same_dump(original, real.dump(target), "baseline applied")
        ok(run_cli("schema", "drift"), "drift after baseline")

        edit = ok(
            run_cli("schema", "diff", "--to", "schema/edited.sql", "--online", "-m", "edits"),
            "diff against the edited copy",
        )
        assert "added step real/002" in edit.stdout, f"diff against the edited copy: {edit.stdout}"
        ok(run_cli("apply", "--yes"), "apply the edits")
        ok(run_cli("schema", "drift"), "drift after the edits")
        same_dump(edited, real.dump(target), "edits applied")
        again = ok(run_cli("schema", "diff", "--to", "schema/edited.sql", "--print"), "second diff")
        assert again.stdout.strip() == "schemas already match", f"second diff:\n{again.stdout}"

        # --online may commit several steps (each concurrent index is a step of its own)
        ok(run_cli("rollback", "--to", "001", "--yes"), "rollback")
        same_dump(original, real.dump(target), "rolled back")
        ok(run_cli("schema", "drift"), "drift after rollback")


@pytest.mark.postgres
def test_pg_dump_schema_round_trip(git_repo: Path, tmp_path: Path, run_cli: CliRunner) -> None:
    from tests.fixtures_db import server_url

    ensure_pg_role(server_url("postgresql"))
    round_trip(PG, git_repo, tmp_path, run_cli)


@pytest.mark.mysql
@pytest.mark.xfail(
    strict=False,
    reason="issue 18 not done on MariaDB: the baseline re-creates every table, view, trigger "
    "and routine, but the dump still differs: table options (DEFAULT CHARSET/COLLATE) are not "
    "modeled, trigger and routine bodies are re-created from their whitespace-normalized "
    "text, and the session charset recorded with them is the applying connection's",
)
def test_mysqldump_schema_round_trip(git_repo: Path, tmp_path: Path, run_cli: CliRunner) -> None:
    round_trip(MARIADB, git_repo, tmp_path, run_cli)
