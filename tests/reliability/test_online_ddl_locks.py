"""Scenario 8, the migration lock versus online DDL and application transactions.

- PostgreSQL `CREATE INDEX CONCURRENTLY` (a `transaction = false` step) runs while a second
  runner waits for the migration lock: CIC waits for every transaction holding an older snapshot,
  so a waiter that kept one open would deadlock with it. The waiter polls on an autocommit
  connection with no snapshot (asserted on pg_stat_activity), both runners finish, the index is
  valid.
- An ALTER while an application transaction holds the table (MariaDB: a metadata lock from a read
  in an open transaction; PostgreSQL: ACCESS SHARE): the DDL runs with lock_wait_timeout /
  lock_timeout = 1 s and retries, so an application query queued behind it gets through while
  the application transaction is still open (it would time out after 8 s behind an ALTER that
  waits without limit), and the step completes once that transaction ends. With no retries left
  the step fails with a clear message and nothing applied.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from tests.engine_helpers import git
from tests.engine_procs import Projects, make_project, run_cli, start_cli, target_state

SERVERS = [
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]
FIXTURES = {"postgresql": "postgres_url", "mysql": "mysql_url"}
FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
ROWS = 20000
APP_WAIT_S = 8  # how long the application's own query accepts to wait for a lock


def _rows(dialect: str) -> str:
    if dialect == "postgresql":
        return f"INSERT INTO acct (id, v) SELECT n, n % 7 FROM generate_series(1, {ROWS}) AS s(n)"
    return (
        "INSERT INTO acct (id, v) WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1"
        " FROM d WHERE k < 199) SELECT a.k * 200 + b.k + 1, b.k % 7 FROM d AS a CROSS JOIN d AS b"
        f" WHERE a.k < {ROWS // 200}"
    )


def _setup(url: str, dialect: str) -> None:
    """The application's table (and the side-effect table the steps mark), made by hand."""
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE step_runs (step VARCHAR(10) NOT NULL)"))
            conn.execute(text("CREATE TABLE acct (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)"))
            conn.execute(text(_rows(dialect)))
    finally:
        engine.dispose()


def _mark(step: str) -> str:
    return f"INSERT INTO step_runs (step) VALUES ('{step}');\n"


def _engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def _wait_for(engine: Engine, sql: str, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(text(sql)).scalar():
                return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


# --- PostgreSQL: CREATE INDEX CONCURRENTLY with a runner waiting for the lock ------------------


@pytest.fixture(scope="module")
def cic_projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    def steps(dialect: str) -> list[tuple[str, str, str]]:
        return [
            (
                "v index",
                "CREATE INDEX CONCURRENTLY ix_acct_v ON acct (v);\n" + _mark("001"),
                "DROP INDEX CONCURRENTLY ix_acct_v;\n",
            ),
            ("last", _mark("002"), "DELETE FROM step_runs WHERE step = '002';\n"),
        ]

    return Projects(tmp_path_factory.mktemp("cic"), steps)


@pytest.mark.postgres
def test_create_index_concurrently_with_a_runner_waiting_for_the_lock_does_not_deadlock(
    cic_projects: Projects, postgres_url: str
) -> None:
    env, repo = cic_projects.env, cic_projects("postgresql")
    assert "transaction = false" in (repo / "migrations/trial/001-v-index/step.toml").read_text()
    _setup(postgres_url, "postgresql")
    engine = _engine(postgres_url)
    app = engine.connect()
    try:
        # an application transaction with a snapshot: CIC waits for it to end
        app.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")
        app.execute(text("SELECT COUNT(*) FROM acct")).scalar()
        holder = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", postgres_url)
        waiter = None
        try:
            _wait_for(engine, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                      " AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'",
                      "CREATE INDEX CONCURRENTLY waits")  # fmt: skip
            waiter = start_cli(repo, env, "apply", "--yes", "--no-progress", "--lock-timeout",
                               "120", "--target", postgres_url)  # fmt: skip
            _wait_for(engine, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                      " AND query LIKE 'SELECT pg_try_advisory_lock%'",
                      "the second runner polls for the lock")  # fmt: skip
            time.sleep(0.5)  # a few more polls
            with engine.connect() as probe:  # no git-migrate session but CIC keeps a snapshot
                held = probe.execute(
                    text(
                        "SELECT pid, state, query FROM pg_stat_activity"
                        " WHERE application_name = 'git-migrate' AND datname = current_database()"
                        " AND query NOT LIKE 'CREATE INDEX%'"
                        " AND (backend_xmin IS NOT NULL OR state LIKE 'idle in transaction%')"
                    )
                ).all()
            assert held == []
            app.rollback()  # the application transaction ends: CIC can finish
            out_holder, err_holder = holder.communicate(timeout=60)  # a deadlock times out
            out_waiter, err_waiter = waiter.communicate(timeout=60)
        finally:
            for proc in (holder, waiter):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        app.close()
        engine.dispose()
    assert holder.returncode == 0, err_holder
    assert "apply: 2 step(s)" in out_holder
    assert waiter.returncode == 0, err_waiter
    assert "up to date, nothing to apply" in out_waiter
    state = target_state(postgres_url)
    assert state.step_runs == {"001": 1, "002": 1}
    assert {status for status, _ in state.ledger.values()} == {"applied"}
    engine = _engine(postgres_url)
    try:
        with engine.connect() as conn:
            valid = conn.execute(
                text("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_acct_v'::regclass")
            ).scalar()
    finally:
        engine.dispose()
    assert valid is True


# --- an ALTER behind an application transaction: bounded lock waits and retries ----------------


def _alter_project(path: Path, dialect: str, retries: int) -> Path:
    """Step 001 adds a column; `lock_timeout = 1` comes from .gitmigrate.toml, the retry count
    from the step's step.toml."""
    from gitmigrate.core.authoring import SqlSource
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.kinds.sql.authoring import add_sql_step

    make_project(path, dialect, [])
    config = path / ".gitmigrate.toml"
    config.write_text(config.read_text().replace("[migrate]\n", "[migrate]\nlock_timeout = 1\n"))
    git(path, "commit", "-q", "-am", "lock_timeout = 1")
    add_sql_step(
        GitRepo(path),
        summary="note column",
        up=SqlSource("ALTER TABLE acct ADD COLUMN note VARCHAR(20);\n" + _mark("001"), "up.sql"),
        down=SqlSource("ALTER TABLE acct DROP COLUMN note;\n", "down.sql"),
        dialect=dialect,
        options={"lock_retries": retries},
    )
    return path


def _hold_table(conn: Connection, dialect: str) -> None:
    """The application reads the table in a transaction it keeps open."""
    conn.exec_driver_sql("BEGIN" if dialect == "postgresql" else "START TRANSACTION")
    conn.execute(text("SELECT COUNT(*) FROM acct")).scalar()


def _alter_waits(dialect: str) -> str:
    if dialect == "postgresql":
        return ("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND query LIKE 'ALTER TABLE acct%' AND wait_event_type = 'Lock'")  # fmt: skip
    return ("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND"
            " INFO LIKE 'ALTER TABLE acct%' AND STATE LIKE 'Waiting for table metadata lock%'")  # fmt: skip


def _app_query(engine: Engine, dialect: str, result: dict[str, Any]) -> None:
    """An application query arriving while the ALTER waits: it queues behind the ALTER."""
    try:
        with engine.connect() as conn:
            if dialect == "postgresql":
                conn.exec_driver_sql(f"SET lock_timeout = '{APP_WAIT_S}s'")
            else:
                conn.exec_driver_sql(f"SET SESSION lock_wait_timeout = {APP_WAIT_S}")
            result["count"] = conn.execute(text("SELECT COUNT(*) FROM acct")).scalar()
    except Exception as exc:  # noqa: BLE001 - the test reports it
        result["error"] = str(exc).splitlines()[0]


@pytest.mark.parametrize("dialect", SERVERS)
def test_alter_behind_an_application_transaction_gives_way_and_completes_after_it(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    repo = _alter_project(tmp_path / "repo", dialect, retries=60)
    env = Projects(tmp_path, lambda d: []).env
    _setup(url, dialect)
    engine = _engine(url)
    app = engine.connect()
    migrate = None
    try:
        _hold_table(app, dialect)
        migrate = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        _wait_for(engine, _alter_waits(dialect), "the ALTER waits for the table lock")
        result: dict[str, Any] = {}
        query = threading.Thread(target=_app_query, args=(engine, dialect, result))
        query.start()
        query.join(timeout=60)
        # it got through although the application transaction is still open: the ALTER gave way
        assert result == {"count": ROWS}
        assert migrate.poll() is None  # still retrying, behind the open transaction
        app.rollback()  # the application transaction ends
        out, err = migrate.communicate(timeout=120)
    finally:
        if migrate is not None and migrate.poll() is None:
            migrate.kill()
            migrate.wait()
        app.close()
        engine.dispose()
    assert migrate.returncode == 0, err
    assert "apply: 1 step(s)" in out
    state = target_state(url)
    assert state.step_runs == {"001": 1}
    assert {status for status, _ in state.ledger.values()} == {"applied"}
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("acct")}
    finally:
        engine.dispose()
    assert "note" in columns


@pytest.mark.parametrize("dialect", SERVERS if FULL else SERVERS[1:])
def test_alter_that_never_gets_its_lock_fails_clearly_after_its_retries(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    repo = _alter_project(tmp_path / "repo", dialect, retries=1)
    env = Projects(tmp_path, lambda d: []).env
    _setup(url, dialect)
    engine = _engine(url)
    app = engine.connect()
    try:
        _hold_table(app, dialect)
        failed = run_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    finally:
        app.rollback()
        app.close()
        engine.dispose()
    assert failed.returncode == 1, failed.stderr
    assert "could not get its table lock: it waited 1 s, 2 time(s)" in failed.stderr
    assert "lock_timeout" in failed.stderr and "Traceback" not in failed.stderr
    state = target_state(url)
    assert state.step_runs == {}
    assert state.ledger["trial/001"][0] in ("failed", "rolled_back")
    again = run_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    assert again.returncode == 0, again.stderr  # once the table is free, a rerun completes
    assert target_state(url).step_runs == {"001": 1}


def test_lock_settings_are_checked_where_they_are_read(tmp_path: Path) -> None:
    from gitmigrate.core.config import load_config
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.errors import ConfigError
    from tests.fixtures_git import make_repo

    repo = make_repo(tmp_path / "repo")
    config = repo / ".gitmigrate.toml"
    text_before = config.read_text()
    for line, problem in (
        ("lock_timeout = -1", "lock_timeout must be a number of seconds >= 0"),
        ('lock_timeout = "5s"', "lock_timeout must be a number of seconds >= 0"),
        ("lock_retries = 1.5", "lock_retries must be a whole number >= 0"),
        ("lock_retries = true", "lock_retries must be a whole number >= 0"),
    ):
        config.write_text(text_before.replace("[migrate]\n", f"[migrate]\n{line}\n"))
        with pytest.raises(ConfigError) as error:
            load_config(GitRepo(repo))
        assert problem in str(error.value) and ".gitmigrate.toml [migrate]" in str(error.value)
    config.write_text(text_before.replace("[migrate]\n", "[migrate]\nlock_timeout = 0.5\n"))
    loaded = load_config(GitRepo(repo))
    assert (loaded.lock_timeout, loaded.lock_retries) == (0.5, None)
