"""Bad input to `env diff` and `env sync`: one clear error naming the problem and the fix, and
nothing changed (refs, ledger, files)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.errors import (
    RepositoryStateError,
    TargetError,
    UsageError,
)
from tests.fixtures_git import snapshot
from tests.integration.test_env_drift_project import FILES, drifted_project, write_project
from tests.integration.test_env_sync_catch_up import ledger


def _sqlite_pair(tmp_path: Path) -> tuple[str, str]:
    return f"sqlite:///{tmp_path / 'staging.db'}", f"sqlite:///{tmp_path / 'prod.db'}"


def test_unknown_environment_names_the_configured_ones(git_repo: Path, tmp_path: Path) -> None:
    write_project(git_repo, *_sqlite_pair(tmp_path))
    with pytest.raises(UsageError) as found:
        api.env_diff(git_repo, a="staging", b="qa")
    assert str(found.value) == (
        "unknown environment 'qa' (configured environments: prod, staging; "
        "add [environments.qa] to .gitmigrate.toml)"
    )
    with pytest.raises(UsageError, match="unknown environment 'qa'"):
        api.env_sync(git_repo, source="qa", target="prod", dry_run=True)
    with pytest.raises(UsageError, match="both sides are environment 'prod'"):
        api.env_diff(git_repo, a="prod", b="prod")
    with pytest.raises(UsageError, match="--only data: not a section"):
        api.env_sync(git_repo, source="staging", target="prod", only="data", dry_run=True)


def test_an_environment_without_a_target(git_repo: Path, tmp_path: Path) -> None:
    write_project(git_repo, *_sqlite_pair(tmp_path))
    toml = git_repo / ".gitmigrate.toml"
    toml.write_text(toml.read_text().replace('target = "prod"\n', ""))
    expected = (
        "environment 'prod' has no target, so its schema and applied steps cannot be read "
        '(add target = "NAME" (a [targets.NAME] with a url) to [environments.prod] '
        "in .gitmigrate.toml)"
    )
    with pytest.raises(UsageError) as found:
        api.env_diff(git_repo, a="staging", b="prod")
    assert str(found.value) == expected
    with pytest.raises(UsageError, match="environment 'prod' has no target"):
        api.env_sync(git_repo, source="staging", target="prod", only="steps", yes=True)
    # config alone needs no target
    plan = api.env_sync(git_repo, source="staging", target="prod", only="config", dry_run=True)
    assert [a.key for a in plan.plan.config.actions][:1] == ["server.port"]


def test_unreachable_database_is_a_target_error(git_repo: Path, tmp_path: Path) -> None:
    staging, _ = _sqlite_pair(tmp_path)
    sqlite3.connect(tmp_path / "staging.db").close()
    write_project(git_repo, staging, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(TargetError) as found:
        api.env_diff(git_repo, a="staging", b="prod")
    assert str(found.value).startswith("cannot connect to target 'prod'")
    assert found.value.exit_code == 1
    with pytest.raises(TargetError):
        api.env_sync(git_repo, source="staging", target="prod", yes=True)


def test_config_drift_off_a_migration_branch_is_refused_first(
    git_repo: Path, tmp_path: Path
) -> None:
    write_project(git_repo, *_sqlite_pair(tmp_path))
    before = snapshot(git_repo)
    with pytest.raises(RepositoryStateError, match="not a migration branch"):
        api.env_sync(git_repo, source="staging", target="prod", only="config", yes=True)
    assert snapshot(git_repo) == before
    assert (git_repo / "config/prod.yaml").read_text() == FILES["config/prod.yaml"]


@pytest.mark.postgres
def test_a_schema_step_needs_no_allow(git_repo: Path, postgres_pair: tuple[str, str]) -> None:
    """The drift's new index is written the safe way (CONCURRENTLY, in a step of its own), so
    our lint never refuses what env sync writes (issue 20): no --allow is asked for."""
    staging, prod = postgres_pair
    drifted_project(git_repo, staging, prod)
    api.env_sync(git_repo, source="staging", target="prod", only="steps", yes=True)
    dry = api.env_sync(git_repo, source="staging", target="prod", only="schema", dry_run=True)
    assert not any("lint would refuse" in note for note in dry.notes)
    done = api.env_sync(git_repo, source="staging", target="prod", only="schema", yes=True)
    assert "CREATE INDEX CONCURRENTLY" in done.ddl
    assert ledger(prod) == {"shop/001": "applied", "shop/002": "applied"} | {
        step: "applied" for step in done.written
    }


@pytest.fixture
def postgres_pair(tmp_path: Path) -> object:
    from contextlib import ExitStack

    from tests.fixtures_db import fresh_database_url

    with ExitStack() as stack:
        yield (
            stack.enter_context(fresh_database_url("postgresql", tmp_path)),
            stack.enter_context(fresh_database_url("postgresql", tmp_path)),
        )


def test_no_schema_step_undoes_steps_only_to_has(git_repo: Path, tmp_path: Path) -> None:
    staging, prod = _sqlite_pair(tmp_path)
    drifted_project(git_repo, staging, prod)  # staging has shop/002, prod has not
    before = (snapshot(git_repo), ledger(staging))

    with pytest.raises(UsageError) as found:
        api.env_sync(git_repo, source="prod", target="staging", only="schema", yes=True)
    assert str(found.value).startswith(
        "'staging' has step(s) 'prod' has not (shop/002): a schema step would undo them"
    )
    dry = api.env_sync(git_repo, source="prod", target="staging", dry_run=True)
    assert dry.plan.schema == () and dry.plan.steps == ()
    assert any(n.startswith("schema: not synced, 'staging' has step(s)") for n in dry.plan.notes)
    assert (snapshot(git_repo), ledger(staging)) == before
