"""`env health`: a real SQLite database (and PostgreSQL, MariaDB) behind the environment's
target, real config files against a real JSON Schema, a real HTTP server answering 200, 500
and hanging; each check judged on its own and timed."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.errors import UsageError
from tests.env_health_support import SCHEMA, add_environments, http_server
from tests.fixtures_db import fresh_database_url

CONFIG = {"config/base.yaml": "port: 8080\n", "config/schema.json": SCHEMA}


def _env(url: str, health: list[str]) -> str:
    return (
        f'[targets.stage]\nurl = "{url}"\n\n[environments.staging]\ntarget = "stage"\n'
        'config = ["config/base.yaml"]\nschema = "config/schema.json"\n'
        f"health = {json.dumps(health)}\n"
    )


def _migration(repo: Path) -> None:
    api.start(repo, "users")
    api.add_sql(repo, summary="users", up="CREATE TABLE users (id INTEGER PRIMARY KEY)",
                down="DROP TABLE users", dialect="any")  # fmt: skip


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_healthy_then_a_pending_step(git_repo: Path, tmp_path: Path, dialect: str) -> None:
    with fresh_database_url(dialect, tmp_path) as url, http_server() as base:
        add_environments(git_repo, _env(url, [f"{base}/ok"]), CONFIG)
        if dialect == "sqlite":  # an existing, empty database (only apply creates one)
            sqlite3.connect(url.removeprefix("sqlite:///")).close()
        _migration(git_repo)
        before = api.env_health(git_repo, env="staging", timeout=2)
        assert not before.ok
        database = before.checks[0]
        assert database.name == "database" and not database.ok
        assert "users/001" in database.detail and "apply --target stage" in database.detail
        assert [c.ok for c in before.checks[1:]] == [True, True]  # the others still judged

        api.apply(git_repo, target="stage")
        after = api.env_health(git_repo, env="staging", timeout=2)
        assert after.ok, after.to_json()
        assert [c.name for c in after.checks] == ["database", "config", f"http {base}/ok"]
        assert all(c.seconds >= 0 for c in after.checks)
        assert "1 step(s) applied" in after.checks[0].detail


def test_http_500_and_a_hanging_url(git_repo: Path, tmp_path: Path) -> None:
    with http_server() as base:
        urls = [f"{base}/ok", f"{base}/fail", f"{base}/hang"]
        add_environments(git_repo, _env(f"sqlite:///{tmp_path / 'a.db'}", urls), CONFIG)
        report = api.env_health(git_repo, env="staging", timeout=0.5, checks=["http"])
    verdicts = {c.name.rsplit("/", 1)[1]: c for c in report.checks}
    assert verdicts["ok"].ok and verdicts["ok"].detail.endswith("answered 200")
    assert not verdicts["fail"].ok and "answered 500, not 2xx" in verdicts["fail"].detail
    assert not verdicts["hang"].ok and "timed out after 0.5s" in verdicts["hang"].detail
    # cut at the timeout: /hang answers 200 after 3 s, so a check that waited would pass it
    assert verdicts["hang"].seconds >= 0.4
    assert not report.ok and report.to_json()["ok"] is False


def test_an_unreachable_database_and_an_invalid_config(git_repo: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "x.db"
    add_environments(git_repo, _env(f"sqlite:///{missing}", []),
                     {"config/base.yaml": "port: eighty\n", "config/schema.json": SCHEMA})  # fmt: skip
    report = api.env_health(git_repo, env="staging")
    database, config = report.checks
    assert not database.ok and "stage" in database.detail
    assert not config.ok and "port (config/base.yaml:1)" in config.detail
    assert "eighty" not in config.detail  # the value is never quoted


def test_bad_input_is_one_line(git_repo: Path) -> None:
    add_environments(git_repo, "[environments.empty]\n")
    with pytest.raises(UsageError, match="unknown environment 'nope'"):
        api.env_health(git_repo, env="nope")
    with pytest.raises(UsageError, match="has nothing to check"):
        api.env_health(git_repo, env="empty")
    with pytest.raises(UsageError, match="unknown health check"):
        api.env_health(git_repo, env="empty", checks=["disk"])


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "mysql+pymysql"])
def test_a_database_that_never_answers_fails_in_time(git_repo: Path, scheme: str) -> None:
    """A server that accepts the connection and never says a word (a socket that listens and
    never reads): the check fails at the timeout instead of hanging."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"{scheme}://u@127.0.0.1:{silent.getsockname()[1]}/x"
        add_environments(git_repo, _env(url, []), CONFIG)
        started = time.monotonic()
        report = api.env_health(git_repo, env="staging", timeout=1, checks=["database"])
        took = time.monotonic() - started  # a hang detector, not a speed check
    (database,) = report.checks
    assert not database.ok and database.detail.startswith("target stage")
    assert took < 60, took  # the driver's timeout (1 s), not the operating system's minutes
