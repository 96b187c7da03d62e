"""`git migrate schema inspect --format sql` on a PostgreSQL database with a domain: issue 18's
first reproduced failure (`type 'POSINT' does not exist … did you mean POINT?`, exit 2).

The SQL it prints must be runnable as it is: loaded into an empty database, that database
inspects to the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from gitmigrate.schema.scratch import load_sql
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import CliRunner

DDL = (
    "CREATE DOMAIN posint AS integer CHECK (value > 0);\n"
    "CREATE TABLE t2 (id int primary key, n posint);\n"
)


def _run(url: str, sql: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _body(output: str) -> str:
    """The statements, without the `-- schema of <target>` header naming the database."""
    return "\n".join(line for line in output.splitlines() if not line.startswith("-- schema of"))


@pytest.mark.postgres
def test_inspect_shows_a_domain_and_its_sql_runs(
    git_repo: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    with (
        fresh_database_url("postgresql", tmp_path) as live,
        fresh_database_url("postgresql", tmp_path) as copy,
    ):
        _run(live, DDL)
        shown = run_cli("schema", "inspect", "--format", "sql", "--target", live)
        assert shown.exit_code == 0, shown.stderr
        text = shown.stdout
        assert "DOMAIN" in text.upper() and "posint" in text and "> 0" in text, text

        load_sql(copy, text, origin="inspected.sql")  # runnable as printed
        again = run_cli("schema", "inspect", "--format", "sql", "--target", copy)
        assert again.exit_code == 0, again.stderr
        assert _body(again.stdout) == _body(text)
