"""The env kind shows the three properties of gitmigrate.testing on SQLite, PostgreSQL and
MariaDB (a health gate changes nothing, so rollback has nothing to undo); an unhealthy
environment fails the step's apply and its verify names each failed check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import StepContext
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.errors import StepFailedError, UsageError
from gitmigrate.kinds.env.kind import EnvKind
from gitmigrate.testing import check_kind_properties
from tests.env_health_support import SCHEMA, add_environments, http_server
from tests.fixtures_db import fresh_database_url


def _step(options: dict[str, object]) -> Step:
    toml = "\n".join(f"{k} = {json.dumps(v)}" for k, v in options.items())
    return Step(migration="gate", seq=1, slug="gate", kind="env", summary="gate",
                files={"step.toml": f'kind = "env"\n[options]\n{toml}\n'.encode()},
                options=options)  # fmt: skip


def _environment(repo: Path, url: str, health: list[str], port: str = "8080") -> None:
    add_environments(
        repo,
        f'[targets.stage]\nurl = "{url}"\n\n[environments.staging]\ntarget = "stage"\n'
        'config = ["config/base.yaml"]\nschema = "config/schema.json"\n'
        f"health = {json.dumps(health)}\n",
        {"config/base.yaml": f"port: {port}\n", "config/schema.json": SCHEMA},
    )


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_the_three_properties(git_repo: Path, tmp_path: Path, dialect: str) -> None:
    with fresh_database_url(dialect, tmp_path) as url, http_server() as base:
        if dialect == "sqlite":
            create_engine(url).connect().close()  # the file exists, as after an apply
        _environment(git_repo, url, [f"{base}/ok"])
        config = load_config(GitRepo(git_repo))
        step = _step({"environment": "staging", "checks": ["database", "config", "http"],
                      "timeout": 2.0})  # fmt: skip
        check_kind_properties(EnvKind(), step, url, config=config)


def test_an_unhealthy_environment_fails_apply_and_verify(git_repo: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    create_engine(url).connect().close()
    with http_server() as base:
        _environment(git_repo, url, [f"{base}/ok", f"{base}/fail"], port="x")
        config = load_config(GitRepo(git_repo))
        step = _step({"environment": "staging", "timeout": 1})
        with pytest.raises(StepFailedError):  # apply fails: the gate is shut
            check_kind_properties(EnvKind(), step, url, config=config)
        engine = create_engine(url)
        ctx = StepContext(DatabaseTarget("stage", "sqlite", engine), "sqlite", lambda *a: None,
                          config=config)  # fmt: skip
        with pytest.raises(StepFailedError, match="environment staging is unhealthy: config"):
            list(EnvKind().apply(step, ctx))
        found = EnvKind().verify(step, ctx)
        assert [f.message.split(": ")[1] for f in found] == ["config", f"http {base}/fail"]
        engine.dispose()


def test_check_and_author_refuse_bad_options(git_repo: Path) -> None:
    kind = EnvKind()
    assert kind.check(_step({"environment": "staging"})) == []
    problems = kind.check(_step({"environment": "staging", "checks": ["disk"]}))
    assert len(problems) == 1 and "unknown health check(s) disk" in problems[0].message
    assert "timeout" in kind.check(_step({"environment": "x", "timeout": -1}))[0].message
    assert "which environment" in kind.check(_step({"checks": ["http"]}))[0].message
    from gitmigrate.engine.kinds import AuthorRequest

    repo = GitRepo(git_repo)
    request = AuthorRequest(repo, load_config(repo), "m", "s", "sqlite", {"environment": "nope"})
    with pytest.raises(UsageError, match="unknown environment 'nope'"):
        kind.author(request)
