"""Scenario 1, racing runners: 8 `git migrate apply` processes started at once on one target with
3 pending steps, on SQLite, PostgreSQL, MariaDB and PostgreSQL through PgBouncer in transaction
pooling mode; the lock holder is stopped (SIGSTOP) for 1 s (2 s in full runs) in the middle of its run. Each step
must be applied exactly once (ledger + a side-effect row per execution), the 7 others must wait
and exit 0 saying "up to date", and no lock may be left behind (server locks, lock row).

Through PgBouncer a session advisory lock would land on whichever server connection ran the
statement (and two clients sharing one server connection would both "get" it): git-migrate
detects the pooler and takes the lease row of gitmigrate_lock instead (db/locks.py).

CI: one race per target. GITMIGRATE_RELIABILITY_FULL=1: 5 races per target.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.locks import target_lock
from tests.engine_procs import Projects, long_step, start_cli, target_state
from tests.fixtures_db import fresh_database_url
from tests.reliability.pgbouncer import pgbouncer

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
RACES = 5 if FULL else 1
RUNNERS = 8
PAUSE_S = 2.0 if FULL else 1.0  # how long the lock holder stays stopped
STEPS = ["trial/001", "trial/002", "trial/003"]
TARGETS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    pytest.param("pgbouncer", id="postgresql-pgbouncer", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory.mktemp("racing"), lambda d: long_step(d, 6, 4000))


@dataclass
class Runner:
    proc: subprocess.Popen[str]
    lines: list[str]
    reader: threading.Thread

    @property
    def output(self) -> str:
        return "".join(self.lines)


def _start(repo: Path, env: dict[str, str], url: str) -> Runner:
    proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return Runner(proc, lines, reader)


def race(repo: Path, env: dict[str, str], url: str) -> tuple[list[Runner], Runner, bool]:
    """Start RUNNERS applies at once, SIGSTOP whichever starts a step first for PAUSE_S.
    Returns the runners, the one paused, and whether it was paused before it had finished."""
    runners = [_start(repo, env, url) for _ in range(RUNNERS)]
    try:
        holder = _first_to_start_a_step(runners)
        holder.proc.send_signal(signal.SIGSTOP)
        paused_mid_run = "apply: 3 step(s)" not in holder.output
        try:
            time.sleep(PAUSE_S)  # the others keep waiting on the lock meanwhile
        finally:
            holder.proc.send_signal(signal.SIGCONT)
        for runner in runners:
            runner.proc.wait(timeout=180)
            runner.reader.join(timeout=10)
    finally:
        for runner in runners:
            if runner.proc.poll() is None:
                runner.proc.kill()
                runner.proc.wait()
    return runners, holder, paused_mid_run


def _first_to_start_a_step(runners: list[Runner]) -> Runner:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for runner in runners:
            if "apply trial/001" in runner.output:
                return runner
        if all(r.proc.poll() is not None for r in runners):
            break
        time.sleep(0.01)
    errors = [r.proc.stderr.read() if r.proc.stderr else "" for r in runners]
    raise AssertionError(f"no runner started a step: {[r.output for r in runners]} {errors}")


@contextmanager
def target_url(target: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(URL the runners use, direct URL of the same database)."""
    dialect = "postgresql" if target == "pgbouncer" else target
    with fresh_database_url(dialect, tmp_path) as direct:
        if target == "pgbouncer":
            with pgbouncer(direct, tmp_path) as pooled:
                yield pooled, direct
        else:
            yield direct, direct


def stranded_locks(direct: str) -> list[str]:
    """Server-side traces of a lock still held: advisory locks, GET_LOCK, a held lock row."""
    engine = create_engine(direct, poolclass=NullPool)
    found: list[str] = []
    try:
        with engine.connect() as conn:
            dialect = engine.dialect.name
            if dialect == "postgresql":
                count = conn.execute(
                    text(
                        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND database ="
                        " (SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                ).scalar_one()
                found += [f"{count} advisory lock(s)"] if count else []
            elif dialect == "mysql":
                name = f"gitmigrate.{make_url(direct).database}"
                if conn.execute(text("SELECT IS_USED_LOCK(:n)"), {"n": name}).scalar():
                    found.append(f"GET_LOCK {name!r} held")
            if dialect != "sqlite":
                held = conn.execute(
                    text("SELECT holder FROM gitmigrate_lock WHERE holder IS NOT NULL")
                ).all()
                found += [f"lock row held by {row[0]}" for row in held]
    finally:
        engine.dispose()
    return found


def lock_kind(direct: str) -> str | None:
    engine = create_engine(direct, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT kind FROM gitmigrate_lock")).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", TARGETS)
def test_eight_racing_applies_apply_each_step_once_and_leave_no_lock(
    target: str, projects: Projects, tmp_path: Path
) -> None:
    dialect = "postgresql" if target == "pgbouncer" else target
    repo = projects(dialect)
    outcomes = []
    for number in range(RACES):
        with target_url(target, tmp_path / f"race{number}") as (url, direct):
            runners, holder, paused_mid_run = race(repo, projects.env, url)
            codes = [r.proc.returncode for r in runners]
            errors = [r.proc.stderr.read() if r.proc.stderr else "" for r in runners]
            assert codes == [0] * RUNNERS, errors
            winners = [r for r in runners if "apply: 3 step(s)" in r.output]
            waiters = [r for r in runners if "up to date, nothing to apply" in r.output]
            assert (len(winners), len(waiters)) == (1, RUNNERS - 1), [r.output for r in runners]
            assert winners == [holder]  # the paused holder kept the lock and finished the run
            assert paused_mid_run, "the holder finished before it could be paused"

            state = target_state(direct)
            assert {s: status for s, (status, _) in state.ledger.items()} == dict.fromkeys(
                STEPS, "applied"
            )
            assert state.step_runs == {"001": 1, "002": 1, "003": 1}  # each step ran once
            assert stranded_locks(direct) == []
            if target == "pgbouncer":
                assert lock_kind(direct) == "lease"  # the pooler was detected
            elif dialect != "sqlite":
                assert lock_kind(direct) == "session"
            engine = create_target_engine(url)  # the lock is free, through the pooler too
            try:
                with target_lock(engine, timeout=0):
                    pass
            finally:
                engine.dispose()
            outcomes.append("ok")
    print(f"\nracing runners [{target}]: {len(outcomes)} race(s) x {RUNNERS} runners: {outcomes}")
