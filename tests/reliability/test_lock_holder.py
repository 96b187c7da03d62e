"""Scenario 3, lock-holder death and fencing.

- kill -9 the holder of a long step: the lock is free as soon as its connection dies (session
  locks: the server drops them with the session), and `resume` finishes the migration with
  every step applied once. Through PgBouncer (lease row) the lock is free once the lease expires.
- Cut the holder's connections with a TCP proxy (a partition: the server sees the client vanish,
  the client notices nothing), let a second runner take over and finish, then revive the first:
  its ledger writes are refused by the fencing token (the lock row's epoch), it exits 1 saying
  it lost the lock, and nothing the second runner did is undone or overwritten.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.locks import target_lock
from gitmigrate.errors import LockTimeoutError
from tests.engine_procs import Projects, long_step, read_until, run_cli, start_cli, target_state
from tests.reliability.pgbouncer import pgbouncer
from tests.reliability.tcpproxy import TcpProxy

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
TRIALS = 3 if FULL else 1
LEASE_S = 2  # GITMIGRATE_LOCK_LEASE of the holder behind PgBouncer
SLOW = 6  # statements of the step the holder is cut in
STEPS = ["trial/001", "trial/002", "trial/003"]
DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]
SERVERS = DIALECTS[1:]
FIXTURES = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}


def slow_steps(dialect: str) -> list[tuple[str, str, str]]:
    """Step 002 creates SLOW tables, each taking 0.4 s: a step to cut a holder in."""
    pause = (
        "SELECT 1 AS s FROM pg_sleep(0.4)" if dialect == "postgresql" else "SELECT SLEEP(0.4) AS s"
    )
    creates = "".join(f"CREATE TABLE IF NOT EXISTS slow_{k} AS {pause};\n" for k in range(SLOW))
    drops = "".join(f"DROP TABLE slow_{k};\n" for k in reversed(range(SLOW)))
    mark = "INSERT INTO step_runs (step) VALUES ('{}');\n"
    return [
        ("runs", "CREATE TABLE step_runs (step VARCHAR(10) NOT NULL);\n" + mark.format("001"),
         "DROP TABLE step_runs;\n"),
        ("slow tables", creates + mark.format("002"), drops),
        ("last", mark.format("003"), "DELETE FROM step_runs WHERE step = '003';\n"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def long_projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory.mktemp("killed"), lambda d: long_step(d, 12, 5000))


@pytest.fixture(scope="module")
def slow_projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory.mktemp("cut"), slow_steps)


def _kill(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGCONT)
        proc.kill()
    proc.communicate(timeout=30)


def _all_applied_once(url: str) -> None:
    state = target_state(url)
    assert {s: status for s, (status, _) in state.ledger.items()} == dict.fromkeys(STEPS, "applied")
    assert state.step_runs == {"001": 1, "002": 1, "003": 1}


@pytest.mark.parametrize("dialect", DIALECTS if FULL else SERVERS)  # flock: test_db_locks.py
def test_lock_of_a_killed_holder_is_free_when_its_connection_dies(
    dialect: str, long_projects: Projects, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    env, repo = long_projects.env, long_projects(dialect)
    holder = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    try:
        read_until(holder, "apply trial/002")
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        _kill(holder)
    engine = create_target_engine(url)
    try:  # no lease to wait out: the server (or kernel) dropped the lock with the connection
        with target_lock(engine, timeout=10):
            pass
    finally:
        engine.dispose()
    after = run_cli(repo, env, "resume", "--no-progress", "--target", url)
    assert after.returncode == 0, after.stderr
    _all_applied_once(url)


@pytest.mark.postgres
def test_lease_lock_of_a_killed_holder_behind_pgbouncer_frees_when_the_lease_expires(
    long_projects: Projects, postgres_url: str, tmp_path: Path
) -> None:
    env = {**long_projects.env, "GITMIGRATE_LOCK_LEASE": str(LEASE_S)}
    repo = long_projects("postgresql")
    with pgbouncer(postgres_url, tmp_path) as pooled:
        holder = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", pooled)
        try:
            read_until(holder, "apply trial/002")
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
        finally:
            _kill(holder)
        engine = create_target_engine(pooled)
        try:
            with pytest.raises(LockTimeoutError) as held:  # the dead holder's lease still runs
                with target_lock(engine, timeout=0):
                    pytest.fail("took a lock whose lease has not expired")
            assert "lease, free in" in str(held.value)
            with target_lock(engine, timeout=LEASE_S + 10):  # free once the lease expired
                pass
        finally:
            engine.dispose()
        after = run_cli(repo, env, "resume", "--no-progress", "--target", pooled)
        assert after.returncode == 0, after.stderr
    _all_applied_once(postgres_url)


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("dialect", SERVERS)
def test_a_cut_off_holder_revived_after_a_takeover_has_its_ledger_writes_refused(
    dialect: str, trial: int, slow_projects: Projects, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    _cut_and_revive(url, slow_projects.env, slow_projects(dialect))


def _cut_and_revive(url: str, env: dict[str, str], repo: Path) -> None:
    direct = make_url(url)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or _default_port(url))
    through = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    first = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", through)
    try:
        read_until(first, "apply trial/002")
        time.sleep(0.6)  # a slow statement or two into step 002
        first.send_signal(signal.SIGSTOP)
        proxy.cut()  # the server sees the first runner vanish and drops its lock
        second = run_cli(repo, env, "resume", "--no-progress", "--target", url, timeout=120)
        assert second.returncode == 0, second.stderr
        _all_applied_once(url)
        proxy.revive()  # the first runner's old connections fail; new ones get through
        first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=60)
    finally:
        _kill(first)
        proxy.close()
    _all_applied_once(url)  # nothing overwritten in the ledger by the revived runner
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:  # and nothing undone: every table of step 002 is there
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert {f"slow_{k}" for k in range(SLOW)} <= tables
    assert first.returncode == 1, err
    assert "lost the migration lock" in err, err
    assert "Traceback" not in err


def _default_port(url: str) -> int:
    return 5432 if make_url(url).get_backend_name() == "postgresql" else 3306
