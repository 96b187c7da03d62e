"""Scenario 4, backfill under load: a chunked, paced backfill runs while
"application" threads keep updating another column of the same rows; the `apply`/`resume`
processes are SIGKILLed at random instants (inside chunks and at their boundaries) and resumed
until the step is done. Every row must be backfilled exactly once (the per-row counter `n` is 1
everywhere) and COUNT/SUM of the application's column must equal the client-side counters:
no application write lost, none doubled.

CI: 200,000 rows and 10 kills per database. GITMIGRATE_RELIABILITY_FULL=1: 1,000,000 rows and
50 kills (the note reports those runs). GITMIGRATE_TRIAL_SEED replays a series (pytest -s);
GITMIGRATE_RELIABILITY_ROWS sets the row count.

Every kill happens whatever the machine's speed: each process is killed at most MAX_DELAY after
its step began, the step sleeps PACE after each chunk (the throttle, outside the chunk's
transaction), so one process finishes at most MAX_DELAY / PACE + 1 = 3 chunks, and the step has
4 chunks per kill. A slower machine only finishes fewer chunks per process.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from tests.engine_helpers import git
from tests.engine_procs import cli_env, read_until, run_cli, start_cli
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import make_repo

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
ROWS = int(os.environ.get("GITMIGRATE_RELIABILITY_ROWS") or (1_000_000 if FULL else 200_000))
KILLS = 50 if FULL else 10
WRITERS = 2
MAX_DELAY = 0.6  # seconds from "the step began" to the kill
PACE = 0.3  # sleep_between_batches
CHUNK = max(1, ROWS // (KILLS * 4))  # 4 chunks per kill > the 3 one process can finish


def _fill(engine: Engine, dialect: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE account (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL,"
                          " label VARCHAR(40) NOT NULL, n INT NOT NULL DEFAULT 0)"))  # fmt: skip
        if dialect == "postgresql":
            conn.execute(text("INSERT INTO account (id, balance, label) SELECT g, 100,"
                              " 'acct ' || g FROM generate_series(1, :n) g"), {"n": ROWS})  # fmt: skip
            return
        for start in range(1, ROWS + 1, 10_000):
            rows = range(start, min(start + 10_000, ROWS + 1))
            values = ", ".join(f"({i}, 100, 'acct {i}')" for i in rows)
            conn.execute(text(f"INSERT INTO account (id, balance, label) VALUES {values}"))


@dataclass
class Application:
    """Threads that move money between random accounts (the sum stays put) and deposit
    (counted client-side), retrying on lock timeouts like a real application would."""

    engine: Engine
    seed: int
    deposits: int = 0
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, number: int) -> None:
        rng = random.Random(self.seed + number)
        lock = threading.Lock()
        while not self.stop.is_set():
            a, b = rng.randrange(1, ROWS + 1), rng.randrange(1, ROWS + 1)
            try:
                with self.engine.begin() as conn:
                    for key, delta in sorted(((a, -1), (b, 1))):  # fixed order: no deadlock
                        conn.execute(text("UPDATE account SET balance = balance + :d WHERE id = :k"),
                                     {"d": delta, "k": key})  # fmt: skip
                with self.engine.begin() as conn:
                    conn.execute(text("UPDATE account SET balance = balance + 1 WHERE id = :k"),
                                 {"k": a})  # fmt: skip
                with lock:
                    self.deposits += 1
            except Exception as exc:  # a deadlock/lock timeout is retried; anything else is kept
                if "deadlock" not in str(exc).lower() and "lock wait" not in str(exc).lower():
                    self.errors.append(str(exc)[:200])
            time.sleep(0.002)


def _project(path: Path) -> Path:
    repo = make_repo(path)
    git(repo, "config", "gc.auto", "0")
    start_migration(GitRepo(repo), "load")
    add_data_step(
        GitRepo(repo),
        summary="label upper-case and count",
        options=DataOptions(
            mode="set",
            table="account",
            assignments=(("label", "upper(label)"), ("n", "n + 1")),
            batch_size=CHUNK,
            sleep_between_batches=PACE,
        ),  # fmt: skip
    )
    return repo


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ],
)
def test_backfill_under_load_killed_and_resumed_changes_each_row_once(
    dialect: str, tmp_path: Path
) -> None:
    repo = _project(tmp_path / "repo")
    env = cli_env(tmp_path / "home")
    seed = int(os.environ.get("GITMIGRATE_TRIAL_SEED", str(random.randrange(1 << 30))))
    rng = random.Random(seed)
    with fresh_database_url(dialect, tmp_path) as url:
        engine = create_engine(url, poolclass=NullPool)
        _fill(engine, dialect)
        app = Application(create_engine(url, pool_size=WRITERS), seed)
        threads = [threading.Thread(target=app.run, args=(i,), daemon=True) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        kills: list[str] = []
        command = "apply"
        try:
            for _ in range(KILLS):
                started = time.monotonic()
                proc = start_cli(repo, env, command, "--yes", "--no-progress", "--target", url)
                try:
                    read_until(proc, "[1/1]")  # the step began: kill inside the chunks
                except AssertionError:  # it had nothing left to do
                    proc.communicate(timeout=120)
                    break
                delay = rng.uniform(0, MAX_DELAY)
                time.sleep(delay)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    kills.append(f"{time.monotonic() - started:.2f}s")
                proc.communicate(timeout=120)
                command = "resume"
            final = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
            assert final.returncode == 0, final.stderr
        finally:
            app.stop.set()
            for thread in threads:
                thread.join(timeout=30)
            app.engine.dispose()
        with engine.connect() as conn:
            count, total, low, high, upper = conn.execute(
                text(
                    "SELECT count(*), sum(balance), min(n), max(n),"
                    " sum(CASE WHEN label = upper(label) THEN 1 ELSE 0 END) FROM account"
                )  # fmt: skip
            ).one()
            status = conn.execute(
                text("SELECT status FROM gitmigrate_ledger WHERE step_id = 'load/001'")
            ).scalar()
        engine.dispose()
    print(f"\n[{dialect}] seed={seed} rows={ROWS} kills={len(kills)} deposits={app.deposits}")
    assert not app.errors, app.errors[:3]
    assert status == "applied"
    assert (count, low, high, upper) == (ROWS, 1, 1, ROWS)  # every row backfilled exactly once
    assert int(total) == ROWS * 100 + app.deposits  # no application write lost or doubled
    assert len(kills) == KILLS, kills  # every run was killed mid-step: the pacing guarantees it
