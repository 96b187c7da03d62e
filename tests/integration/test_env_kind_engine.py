"""The env step and `apply --health` through the real engine on SQLite, PostgreSQL and MariaDB:
the gate reads the environment's ledger from its own connection while the run holds the
target's lock and the step's transaction (or, on MariaDB, runs statement by statement), passes
when every step before it is applied, and stops the run when the environment is unhealthy."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.errors import StepFailedError
from tests.env_health_support import SCHEMA, add_environments, http_server
from tests.fixtures_db import fresh_database_url


def _states(repo: Path) -> list[str]:
    return [s.state for s in api.status(repo, target="stage").steps]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_gate_and_health_in_a_run(git_repo: Path, tmp_path: Path, dialect: str) -> None:
    with fresh_database_url(dialect, tmp_path) as url, http_server() as base:
        if dialect == "sqlite":
            sqlite3.connect(url.removeprefix("sqlite:///")).close()
        add_environments(
            git_repo,
            f'[targets.stage]\nurl = "{url}"\n\n[environments.staging]\ntarget = "stage"\n'
            'config = ["config/base.yaml"]\nschema = "config/schema.json"\n'
            f"health = {json.dumps([f'{base}/ok'])}\n",
            {"config/base.yaml": "port: 8080\n", "config/schema.json": SCHEMA},
        )
        api.start(git_repo, "gate")
        api.add_sql(git_repo, summary="t1", up="CREATE TABLE t1 (id INTEGER PRIMARY KEY)",
                    down="DROP TABLE t1", dialect="any")  # fmt: skip
        api.add_env_step(git_repo, environment="staging", timeout=2)
        api.add_sql(git_repo, summary="t2", up="CREATE TABLE t2 (id INTEGER PRIMARY KEY)",
                    down="DROP TABLE t2", dialect="any")  # fmt: skip

        report = api.apply(git_repo, target="stage", health="staging", health_timeout=2)
        assert [r.step.id for r in report.result.runs] == ["gate/001", "gate/002", "gate/003"]
        assert _states(git_repo) == ["applied"] * 3
        api.rollback(git_repo, target="stage", all=True, yes=True)
        assert _states(git_repo) == ["rolled_back"] * 3

        (git_repo / "config/base.yaml").write_text("port: x\n")
        with pytest.raises(StepFailedError, match="environment staging is unhealthy: config"):
            api.apply(git_repo, target="stage")
        assert _states(git_repo)[:2] == ["applied", "failed"]
        (git_repo / "config/base.yaml").write_text("port: 8080\n")
        api.apply(git_repo, target="stage")
        assert _states(git_repo) == ["applied"] * 3
