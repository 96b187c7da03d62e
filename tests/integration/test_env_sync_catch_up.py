"""`env sync FROM TO` on real databases: the step FROM has is applied to TO by the engine (not
written again), the schema drift becomes one new sql step applied to TO, the config drift
becomes config steps on TO's top layer, and the drift step is recorded as applied on FROM
(which has its schema already); then `env diff` shows no drift but the secret never copied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from gitmigrate import api
from gitmigrate.errors import BlockedError, UsageError
from tests.fixtures_git import git, snapshot
from tests.integration.test_env_drift_project import db_pair, drifted_project  # noqa: F401


def ledger(url: str) -> dict[str, str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            from sqlalchemy import text

            rows = conn.execute(text("SELECT step_id, status FROM gitmigrate_ledger"))
            return {str(r[0]): str(r[1]) for r in rows}
    finally:
        engine.dispose()


def columns(url: str, table: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return [c["name"] for c in inspect(engine).get_columns(table)]
    finally:
        engine.dispose()


def inspect_indexes(url: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return [str(ix["name"]) for ix in inspect(engine).get_indexes("users")]
    finally:
        engine.dispose()


def test_sync_then_diff_shows_no_drift(git_repo: Path, db_pair: tuple[str, str]) -> None:  # noqa: F811
    staging, prod = db_pair
    drifted_project(git_repo, staging, prod)
    head_before = git(git_repo, "rev-parse", "HEAD").strip()
    # no --allow: the drift is written in the safe forms our lint accepts (issue 20)
    result = api.env_sync(git_repo, source="staging", target="prod", yes=True)

    # the step staging has is applied to prod, not written again
    assert result.plan.steps == ("shop/002",)
    assert result.applied[0] == "shop/002"
    # the drift as schema diff writes it, applied to prod too (on PostgreSQL the index is built
    # CONCURRENTLY in a step of its own, issue 20); config steps for the three plain keys
    pg = prod.startswith("postgresql")
    schema_steps = ("shop/003", "shop/004") if pg else ("shop/003",)
    schema_step = schema_steps[0]
    assert result.written[: len(schema_steps)] == schema_steps
    assert result.applied == ("shop/002", *schema_steps)
    assert "DROP COLUMN" in result.ddl.upper() and "ix_users_email" in result.ddl
    actions = [(a.op, a.key) for a in result.plan.config.actions]
    assert actions == [("set", "server.port"), ("set", "hosts"), ("set", "feature.beta"),
                       ("unset", "log")]  # fmt: skip
    first_config = 3 + len(schema_steps)
    assert result.written[len(schema_steps) :] == tuple(
        f"shop/{n:03d}" for n in range(first_config, first_config + 4)
    )
    assert any("api_token" in line for line in result.plan.config.skipped)
    log = git(git_repo, "log", "--format=%s", f"{head_before}..HEAD")
    assert "sql: env sync staging -> prod: schema drift" in log

    assert ledger(prod) == {"shop/001": "applied", "shop/002": "applied"} | {
        step: "applied" for step in schema_steps
    }
    assert "nickname" not in columns(prod, "users")
    after = api.env_diff(git_repo, a="staging", b="prod")
    assert not after.schema.drifted, after.schema.to_json()
    assert [(k.key, k.what) for k in after.config.keys] == [
        ("api_token", "a")
    ]  # secret: not copied
    # staging already had the schema the drift step makes: recorded there, not run
    assert result.recorded == schema_steps
    assert ledger(staging)[schema_step] == "applied"
    notes = {s.step_id: s.note for s in api.status(git_repo, target="staging").steps}
    assert re.fullmatch(
        r"recorded by \S+, not run: staging already had this schema: written by env sync "
        r"staging -> prod",
        notes[schema_step] or "",
    )
    assert "ix_users_email" in inspect_indexes(staging)  # staging's schema untouched
    assert not after.steps.drifted, after.steps.to_json()


def test_dry_run_changes_nothing(git_repo: Path, db_pair: tuple[str, str]) -> None:  # noqa: F811
    staging, prod = db_pair
    drifted_project(git_repo, staging, prod)
    before = (snapshot(git_repo), ledger(prod), columns(prod, "users"))

    result = api.env_sync(git_repo, source="staging", target="prod", dry_run=True)

    assert result.dry_run and not result.applied and not result.written
    assert result.plan.steps == ("shop/002",)
    assert "table orders only in staging" in result.plan.schema
    assert result.ddl == ""  # the steps come first: the DDL depends on what they leave
    assert any("compared again once the steps are applied" in n for n in result.plan.notes)
    assert any(line.startswith("apply shop/002") for line in result.lines())
    assert (snapshot(git_repo), ledger(prod), columns(prod, "users")) == before


def test_only_steps_applies_and_writes_nothing(git_repo: Path, db_pair: tuple[str, str]) -> None:  # noqa: F811
    staging, prod = db_pair
    drifted_project(git_repo, staging, prod)
    head = git(git_repo, "rev-parse", "HEAD").strip()

    result = api.env_sync(git_repo, source="staging", target="prod", only="steps", yes=True)

    assert result.applied == ("shop/002",) and result.written == ()
    assert git(git_repo, "rev-parse", "HEAD").strip() == head
    assert ledger(prod) == {"shop/001": "applied", "shop/002": "applied"}
    assert "nickname" in columns(prod, "users")  # drift is left for --only schema


def test_only_schema_with_pending_steps_is_refused(
    git_repo: Path,
    db_pair: tuple[str, str],  # noqa: F811
) -> None:
    staging, prod = db_pair
    drifted_project(git_repo, staging, prod)
    before = (snapshot(git_repo), ledger(prod))

    with pytest.raises(UsageError, match=r"1 step\(s\) applied on 'staging'.*--only steps"):
        api.env_sync(git_repo, source="staging", target="prod", only="schema", yes=True)
    assert (snapshot(git_repo), ledger(prod)) == before


def test_without_yes_or_confirmation_nothing_changes(
    git_repo: Path,
    db_pair: tuple[str, str],  # noqa: F811
) -> None:
    staging, prod = db_pair
    drifted_project(git_repo, staging, prod)
    before = (snapshot(git_repo), ledger(prod))
    asked: list[str] = []

    with pytest.raises(BlockedError, match="needs confirmation"):
        api.env_sync(git_repo, source="staging", target="prod")
    with pytest.raises(BlockedError, match="not confirmed"):
        api.env_sync(git_repo, source="staging", target="prod",
                     confirm=lambda q: asked.append(q) is not None)  # fmt: skip
    assert "apply shop/002 to prod" in asked[0]
    assert (snapshot(git_repo), ledger(prod)) == before


def test_only_the_steps_from_has_are_applied_from_any_migration(
    git_repo: Path, tmp_path: Path
) -> None:
    staging, prod = f"sqlite:///{tmp_path / 'staging.db'}", f"sqlite:///{tmp_path / 'prod.db'}"
    drifted_project(git_repo, staging, prod)
    api.add_sql(git_repo, summary="audit", up="CREATE TABLE audit (id INTEGER PRIMARY KEY)",
                down="DROP TABLE audit")  # fmt: skip
    api.start(git_repo, "extra")  # another migration's branch: shop's steps are in its tree

    result = api.env_sync(git_repo, source="staging", target="prod", only="steps", yes=True)

    assert result.applied == ("shop/002",)  # not shop/003: staging does not have it either
    assert ledger(prod) == {"shop/001": "applied", "shop/002": "applied"}
    status = {s.step_id: s.state for s in api.status(git_repo, target="prod").steps}
    assert status == {}  # the branch's own migration has no steps; shop's are not its scope
