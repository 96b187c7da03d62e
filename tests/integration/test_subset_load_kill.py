"""kill -9 of `git migrate apply` running a subset step, then `git migrate resume`: the target
must equal that of an uninterrupted run (no row copied twice, none missing, the deferred
self-references set) and the ledger says applied. GITMIGRATE_TRIALS sets the kills per dialect
(default 1); GITMIGRATE_TRIAL_SEED replays them. tests/reliability/test_subset_kill_* (H6)
run longer series; this one keeps the load's own guarantee in its own tests."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from tests.engine_helpers import git
from tests.engine_procs import cli_env, read_until, run_cli, start_cli
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import make_repo

TRIALS = int(os.environ.get("GITMIGRATE_TRIALS", "1"))
CUSTOMERS, ORDERS = 2000, 8000


def _source(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL,"
            " referrer_id INTEGER REFERENCES customer (id));"
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL"
            " REFERENCES customer (id), total INTEGER NOT NULL);"
        )
        conn.executemany(
            "INSERT INTO customer VALUES (?, ?, ?)",
            [(i, f"c{i}", i - 1 if i % 10 != 1 else None) for i in range(1, CUSTOMERS + 1)],
        )
        conn.executemany(
            "INSERT INTO orders VALUES (?, ?, ?)",
            [(i, 1 + i % CUSTOMERS, i % 97) for i in range(1, ORDERS + 1)],
        )
    return f"sqlite:///{path}"


def _project(path: Path, source_url: str) -> Path:
    repo = make_repo(path)
    git(repo, "config", "gc.auto", "0")
    start_migration(GitRepo(repo), "sample")
    later = f"sqlite:///{path.parent / 'applied-later.db'}"  # each run names its own target
    api.env_subset(repo, source=source_url, target=later, roots=["orders WHERE id > 0"],
                   batch_size=500, run=False)  # fmt: skip
    return repo


def _digest(url: str) -> tuple[str, str | None]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            have = set(inspect(conn).get_table_names())
            rows = []
            for name in ("customer", "orders"):
                if name in have:
                    rows += conn.execute(text(f"SELECT * FROM {name} ORDER BY id")).all()
            ledger = None
            if "gitmigrate_ledger" in have:
                ledger = conn.execute(
                    text("SELECT status FROM gitmigrate_ledger WHERE step_id = 'sample/001'")
                ).scalar()
    finally:
        engine.dispose()
    return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest(), ledger


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ],
)
def test_sigkill_during_a_subset_then_resume_equals_a_clean_run(
    dialect: str, tmp_path: Path
) -> None:
    source_url = _source(tmp_path / "source.db")
    repo = _project(tmp_path / "repo", source_url)
    env = cli_env(tmp_path / "home")
    seed = int(os.environ.get("GITMIGRATE_TRIAL_SEED", str(random.randrange(1 << 30))))
    rng = random.Random(seed)
    with fresh_database_url(dialect, tmp_path) as url:
        started = time.monotonic()
        clean = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        read_until(clean, "[1/1] apply")
        first = time.monotonic() - started
        _, stderr = clean.communicate(timeout=120)
        seconds = time.monotonic() - started
        assert clean.returncode == 0, stderr
        expected = _digest(url)
    assert expected[1] == "applied"
    outcomes = []
    for number in range(TRIALS):
        delay = rng.uniform(first, seconds)
        with fresh_database_url(dialect, tmp_path) as url:
            proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
            time.sleep(delay)
            killed = proc.poll() is None
            if killed:
                proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=120)
            resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
            final = _digest(url)
        outcomes.append(f"#{number} {delay:.2f}s {'killed' if killed else 'done'}")
        assert resumed.returncode == 0, (seed, delay, resumed.stderr)
        assert final == expected, (seed, delay, final)
    rate = (CUSTOMERS + ORDERS) / max(seconds - first, 1e-6)
    print(f"\n[{dialect}] seed={seed} clean run {seconds:.2f}s (~{rate:.0f} rows/s after"
          f" start-up) " + "; ".join(outcomes))  # fmt: skip
