"""`schema diff --online` on PostgreSQL: a CREATE INDEX CONCURRENTLY becomes a step of its own
with `transaction = false`, and the engine applies and rolls back the steps."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.schema.api import schema_diff
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.sources import load_schema, reflect_url
from tests.fixtures_git import CliRunner, git

BEFORE = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), age INTEGER);\n"
AFTER = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), age INTEGER,\n"
    "  CONSTRAINT ck_age CHECK (age >= 0));\n"
    "CREATE INDEX ix_users_email ON users (email);\n"
)


@pytest.mark.postgres
def test_online_index_is_its_own_non_transactional_step(
    git_repo: Path, run_cli: CliRunner, postgres_url: str
) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(BEFORE)
    engine.dispose()
    (git_repo / "after.sql").write_text(AFTER)
    assert run_cli("start", "online").exit_code == 0

    result = schema_diff(
        GitRepo(git_repo), to="after.sql", target=postgres_url, online=True, summary="Index"
    )
    assert [s.summary for s in result.steps] == ["Index (1/3)", "Index (2/3)", "Index (3/3)"]
    add, validate, index = result.steps
    assert add.options == {} and validate.options == {}
    assert index.options == {"transaction": False}
    toml = tomllib.loads(git(git_repo, "show", f"HEAD:{index.path}/step.toml"))
    assert toml["options"] == {"transaction": False}
    assert (index.text("up.sql") or "").splitlines()[2] == (
        'CREATE INDEX CONCURRENTLY "ix_users_email" ON "users" ("email");'
    )
    assert "NOT VALID" in (add.text("up.sql") or "")
    assert "VALIDATE CONSTRAINT" in (validate.text("up.sql") or "")

    applied = run_cli("apply", "--target", postgres_url)
    assert applied.exit_code == 0, applied.stderr
    wanted = load_schema("after.sql", repo=None, dialect="postgresql", server_url=postgres_url)
    live = reflect_url(postgres_url, repo=None, display="test")
    assert schema_differences(wanted, live) == []

    rolled = run_cli("rollback", "--all", "--target", postgres_url)
    assert rolled.exit_code == 0, rolled.stderr
    live = reflect_url(postgres_url, repo=None, display="test")
    assert live.table("users") is not None
    assert live.table("users").indexes == () and live.table("users").checks == ()  # type: ignore[union-attr]
