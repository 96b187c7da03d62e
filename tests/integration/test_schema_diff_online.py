"""`schema diff --online`: on PostgreSQL a CREATE INDEX CONCURRENTLY becomes a step of its own
with `transaction = false`, and the engine applies and rolls back the steps; on every dialect a
column rename or type change becomes an expand/contract sequence (expand, backfill data steps,
switch, contract)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gitmigrate import api
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.api import schema_diff
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.model import Schema
from gitmigrate.schema.render import quote
from gitmigrate.schema.sources import load_schema, reflect_url
from gitmigrate.sql.parse import split_statements
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


# --- expand/contract: a column rename and a type change -----------------------------------

SOURCE = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, fullname VARCHAR(100) NOT NULL, age INTEGER);\n"
    "CREATE INDEX ix_users_fullname ON users (fullname);\n"
)
DESIRED = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, display_name VARCHAR(100) NOT NULL DEFAULT '',\n"
    "  age BIGINT);\n"
    "CREATE INDEX ix_users_display_name ON users (display_name);\n"
)
ROWS = "INSERT INTO users (id, fullname, age) VALUES (1, 'Ada', 36), (2, 'Bob', NULL), (3, '', 7)"


def _dialect(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def _moving_project(git_repo: Path, run_cli: CliRunner, url: str) -> list[Step]:
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in SOURCE.split(";")[:-1]:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(ROWS)
    engine.dispose()
    (git_repo / "desired.sql").write_text(DESIRED)
    assert run_cli("start", "move").exit_code == 0
    result = schema_diff(
        GitRepo(git_repo), to="desired.sql", target=url, online=True, summary="Move",
        renames={"users.fullname": "users.display_name"},
    )  # fmt: skip
    return list(result.steps)


def _run(url: str, sql: str, transactional: bool) -> None:
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            if not transactional:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in split_statements(sql, _dialect(url)):
                conn.exec_driver_sql(statement.text)
            conn.commit()
    finally:
        engine.dispose()


def _scalar(url: str, sql: str) -> object:
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(sql).scalar()
    finally:
        engine.dispose()


def _backfill(url: str, step: Step, undo: bool = False) -> None:
    """Stands in for the data executor (gitmigrate.kinds.data.kind, the lead's): the same UPDATE
    its chunks run, over the whole table at once; its rollback restores the before-images,
    which for a freshly added column are NULL."""
    options = step.options
    column = options["set"][0].split("=", 1)[0].strip()
    dialect = _dialect(url)
    if undo:
        sql = f"UPDATE {quote(options['table'], dialect)} SET {column} = NULL"
    else:
        sql = f"UPDATE {quote(options['table'], dialect)} SET {options['set'][0]} WHERE {options['where']}"
    _run(url, sql, True)


def test_expand_contract_steps_round_trip(git_repo: Path, run_cli: CliRunner, db_url: str) -> None:
    """Rename users.fullname to display_name and widen age to BIGINT with --online: expand
    (add both nullable, sync trigger), one backfill data step each, switch, contract. Each SQL
    step applied in order (the backfill by a stand-in), then undone in reverse."""
    dialect = _dialect(db_url)
    steps = _moving_project(git_repo, run_cli, db_url)
    kinds = "".join("d" if s.kind == "data" else "s" for s in steps)
    assert re.fullmatch(r"s+dds{2,}", kinds), [s.summary for s in steps]
    switch = next(s for s in steps if s.summary == "Move (switch)")
    assert (switch.text("up.sql") or "").startswith(
        "-- switch reads/writes to users.display_name; deploy the app before the next step\n"
        "-- switch reads/writes to users.age as BIGINT (held in age_new until the next step "
        "swaps it in under that name); deploy the app before the next step\n"
    )
    rename, retype = [s for s in steps if s.kind == "data"]
    toml = tomllib.loads(git(git_repo, "show", f"HEAD:{rename.path}/step.toml"))
    assert toml["kind"] == "data" and toml["dialect"] == dialect
    assert toml["options"] == {
        "mode": "set", "table": "users", "key": ["id"],
        "set": ["display_name = fullname"],
        "where": "display_name IS NULL AND fullname IS NOT NULL",
        "batch_size": 10000,  # before-images are the default: not written
    }  # fmt: skip
    cast = "age" if dialect == "mysql" else f"CAST(age AS {'BIGINT'})"
    assert retype.options["set"] == [f"age_new = {cast}"]
    assert set(rename.files) == {"step.toml"}

    trigger = dialect != "sqlite"
    for step in steps:
        if step.kind == "data":
            _backfill(db_url, step)
            continue
        _run(db_url, step.text("up.sql") or "", step.options.get("transaction", True) is not False)
        if step.summary == "Move (expand)" or step.summary.startswith("Move (expand"):
            if trigger and "ADD COLUMN" in (step.text("up.sql") or ""):
                # a write through the old columns during the migration reaches the new ones
                _run(db_url, "INSERT INTO users (id, fullname, age) VALUES (9, 'Eve', 5)", True)
                assert _scalar(db_url, "SELECT display_name FROM users WHERE id = 9") == "Eve"
                assert _scalar(db_url, "SELECT age_new FROM users WHERE id = 9") == 5
                _run(db_url, "UPDATE users SET fullname = 'Eva' WHERE id = 9", True)
                assert _scalar(db_url, "SELECT display_name FROM users WHERE id = 9") == "Eva"
                _run(db_url, "DELETE FROM users WHERE id = 9", True)
        if step is switch:
            assert _scalar(db_url, step.text("verify.sql") or "") in (True, 1)
    wanted = load_schema("desired.sql", repo=None, dialect=dialect, server_url=_server(db_url))
    live = reflect_url(db_url, repo=None, display="test")
    assert schema_differences(wanted, live) == []
    assert _scalar(db_url, "SELECT display_name FROM users WHERE id = 1") == "Ada"
    assert _scalar(db_url, "SELECT age FROM users WHERE id = 3") == 7
    again = schema_diff(GitRepo(git_repo), to="desired.sql", target=db_url, online=True,
                        print_only=True)  # fmt: skip
    assert again.is_empty

    for step in reversed(steps):
        if step.kind == "data":
            _backfill(db_url, step, undo=True)
            continue
        _run(
            db_url, step.text("down.sql") or "", step.options.get("transaction", True) is not False
        )
    source = _source_schema(git_repo, dialect, db_url)
    assert schema_differences(source, reflect_url(db_url, repo=None, display="test")) == []
    # the contract's rollback copied the values back into the old columns
    assert _scalar(db_url, "SELECT fullname FROM users WHERE id = 1") == "Ada"
    assert _scalar(db_url, "SELECT age FROM users WHERE id = 3") == 7


def _server(url: str) -> str | None:
    return None if url.startswith("sqlite") else url


def _source_schema(git_repo: Path, dialect: str, url: str) -> Schema:
    (git_repo / "source.sql").write_text(SOURCE)
    return load_schema(str(git_repo / "source.sql"), repo=None, dialect=dialect,
                       server_url=_server(url))  # fmt: skip


def test_expand_contract_print_lists_the_sequence(git_repo: Path, run_cli: CliRunner) -> None:
    (git_repo / "source.sql").write_text(SOURCE)
    (git_repo / "desired.sql").write_text(DESIRED)
    assert run_cli("start", "move").exit_code == 0
    result = run_cli(
        "schema", "diff", "--from", "source.sql", "--to", "desired.sql", "--online", "--print",
        "--rename", "users.fullname:users.display_name",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "-- step 1/5: expand (sql, sqlite)" in out and "-- step 5/5: contract (sql" in out
    assert "-- data step: set display_name = fullname where display_name IS NULL" in out
    assert git(git_repo, "status", "--porcelain").strip() == "?? desired.sql\n?? source.sql".strip()


def test_expand_contract_refuses_a_key_column(git_repo: Path, run_cli: CliRunner) -> None:
    (git_repo / "source.sql").write_text("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);\n")
    (git_repo / "desired.sql").write_text(
        "CREATE TABLE t (key_id INTEGER PRIMARY KEY, a INTEGER);\n"
    )
    assert run_cli("start", "move").exit_code == 0
    result = run_cli(
        "schema", "diff", "--from", "source.sql", "--to", "desired.sql", "--online",
        "--rename", "t.id:t.key_id",
    )  # fmt: skip
    assert result.exit_code == 2
    assert (
        "--online cannot expand/contract t.key_id: it is part of the primary key" in result.stderr
    )


def test_expand_contract_applies_and_rolls_back_through_the_engine(
    git_repo: Path, run_cli: CliRunner, db_url: str
) -> None:
    dialect = _dialect(db_url)
    steps = _moving_project(git_repo, run_cli, db_url)
    # the contract drops the old columns (destructive: --yes); no lint error blocks it
    applied = run_cli("apply", "--target", db_url, "--yes")
    assert applied.exit_code == 0, applied.stderr
    wanted = load_schema("desired.sql", repo=None, dialect=dialect, server_url=_server(db_url))
    assert schema_differences(wanted, reflect_url(db_url, repo=None, display="test")) == []
    assert _scalar(db_url, "SELECT display_name FROM users WHERE id = 1") == "Ada"
    rolled = run_cli("rollback", "--all", "--target", db_url, "--yes")
    assert rolled.exit_code == 0, rolled.stderr
    source = _source_schema(git_repo, dialect, db_url)
    assert schema_differences(source, reflect_url(db_url, repo=None, display="test")) == []
    assert _scalar(db_url, "SELECT fullname FROM users WHERE id = 1") == "Ada"
    assert len(steps) >= 5


@pytest.mark.postgres
def test_online_set_not_null_validates_a_check_first(
    git_repo: Path, run_cli: CliRunner, postgres_url: str
) -> None:
    """SET NOT NULL with --online: a CHECK (c IS NOT NULL) NOT VALID, validated in the next
    step, which then sets NOT NULL without a scan and drops the CHECK; no lint error blocks."""
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(BEFORE)
        conn.exec_driver_sql("INSERT INTO users VALUES (1, 'a@example.com', 3)")
    engine.dispose()
    (git_repo / "after.sql").write_text(
        BEFORE.replace("email VARCHAR(100)", "email VARCHAR(100) NOT NULL")
    )
    assert run_cli("start", "online").exit_code == 0
    diff = api.schema_diff(  # the API lints the committed steps, as the CLI shows them
        GitRepo(git_repo), to="after.sql", target=postgres_url, online=True, summary="Email"
    )
    add, finish = diff.result.steps
    assert (add.text("up.sql") or "").splitlines()[2] == (
        'ALTER TABLE "users" ADD CONSTRAINT "users_email_not_null" CHECK ("email" IS NOT NULL) '
        "NOT VALID;"
    )
    assert (finish.text("up.sql") or "").split(";\n\n")[1:] == [
        'ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_not_null"',
        "-- the validated CHECK above lets PostgreSQL 12+ skip the scan\n"
        "-- gitmigrate-ignore setting-not-null\n"
        'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL',
        'ALTER TABLE "users" DROP CONSTRAINT "users_email_not_null";\n',
    ]
    assert diff.findings and not [f for f in diff.findings if f.blocking]
    applied = run_cli("apply", "--target", postgres_url)
    assert applied.exit_code == 0, applied.stderr
    wanted = load_schema("after.sql", repo=None, dialect="postgresql", server_url=postgres_url)
    assert schema_differences(wanted, reflect_url(postgres_url, repo=None, display="t")) == []
    rolled = run_cli("rollback", "--all", "--target", postgres_url)
    assert rolled.exit_code == 0, rolled.stderr
    (git_repo / "before.sql").write_text(BEFORE)
    source = load_schema(str(git_repo / "before.sql"), repo=None, dialect="postgresql",
                         server_url=postgres_url)  # fmt: skip
    assert schema_differences(source, reflect_url(postgres_url, repo=None, display="t")) == []
