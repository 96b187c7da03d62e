"""dev on SQLite, prod on PostgreSQL (or MariaDB): the schema section compares table and column
names only and says so; a sync applies the steps, writes no schema step (one DDL cannot serve
both dialects) and says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.envs.drift_schema import CROSS_DIALECT
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import git
from tests.integration.test_env_drift_project import ORDERS, USERS, execute, write_project
from tests.integration.test_env_sync_catch_up import ledger


@pytest.mark.parametrize(
    "server",
    [pytest.param("postgresql", marks=pytest.mark.postgres),
     pytest.param("mysql", marks=pytest.mark.mysql)],
)  # fmt: skip
def test_sqlite_against_a_server(git_repo: Path, tmp_path: Path, server: str) -> None:
    staging = f"sqlite:///{tmp_path / 'staging.db'}"
    with fresh_database_url(server, tmp_path) as prod:
        write_project(git_repo, staging, prod)
        api.start(git_repo, "shop")
        api.add_sql(git_repo, summary="users", up=USERS, down="DROP TABLE users",
                    dialect="any")  # fmt: skip
        api.add_sql(git_repo, summary="orders", up=ORDERS, down="DROP TABLE orders",
                    dialect="any")  # fmt: skip
        api.apply(git_repo, target="staging", yes=True)
        api.apply(git_repo, target="prod", to="001", yes=True)
        execute(prod, "ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")

        report = api.env_diff(git_repo, a="staging", b="prod")
        assert report.schema.note == CROSS_DIALECT
        assert [(t.table, t.only_in, t.changes) for t in report.schema.tables] == [
            ("orders", "a", ()),
            ("users", None, ("column nickname only in prod",)),
        ]

        head = git(git_repo, "rev-parse", "HEAD").strip()
        result = api.env_sync(git_repo, source="staging", target="prod", only=None, yes=True)
        assert result.applied == ("shop/002",)  # the step, in prod's dialect
        assert (result.ddl, result.recorded) == ("", ())  # no schema step
        assert len(result.written) == len(result.plan.config.actions) == 4  # config steps only
        assert any("schema: not synced, staging is sqlite" in n for n in result.to_json()["notes"])
        assert ledger(prod) == {"shop/001": "applied", "shop/002": "applied"}
        sql_steps = git(git_repo, "log", "--format=%s", f"{head}..HEAD")
        assert "schema drift" not in sql_steps
