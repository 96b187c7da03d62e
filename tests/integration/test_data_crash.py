"""kill -9 trials of a data step (issue 5, guarantee 1): `git migrate apply` of a chunked
backfill is SIGKILLed at a random instant, `git migrate resume` finishes it, and the table must
equal that of an uninterrupted run: every row changed exactly once (a per-row counter proves
it), the ledger `applied` with the right row count.

GITMIGRATE_TRIALS sets the trials per dialect (default 3 in CI; the note reports 20+ runs);
GITMIGRATE_TRIAL_SEED replays a series (run pytest with -s to see the table).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from tests.engine_helpers import git
from tests.engine_procs import cli_env, read_until, run_cli, start_cli
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import make_repo

TRIALS = int(os.environ.get("GITMIGRATE_TRIALS", "3"))
ROWS = 30_000
BATCH = 600


def _fill(url: str, dialect: str) -> None:
    key = "INTEGER PRIMARY KEY" if dialect == "sqlite" else "BIGINT PRIMARY KEY"
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE item (id {key}, label VARCHAR(40) NOT NULL,"
                              " n INT NOT NULL DEFAULT 0)"))  # fmt: skip
            for start in range(1, ROWS + 1, 5000):
                values = ", ".join(f"({i}, 'Item {i}', 0)" for i in range(start, start + 5000))
                conn.execute(text(f"INSERT INTO item (id, label, n) VALUES {values}"))
    finally:
        engine.dispose()


def _digest(url: str) -> tuple[str, str | None, int | None]:
    """A checksum of the table's content, the step's ledger status and its recorded rows."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, label, n FROM item ORDER BY id")).all()
            ledger = None
            if inspect(conn).has_table("gitmigrate_ledger"):  # a kill before it was created
                ledger = conn.execute(
                    text(
                        "SELECT status, checkpoint FROM gitmigrate_ledger WHERE step_id = 'fill/001'"
                    )
                ).first()
    finally:
        engine.dispose()
    digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    if ledger is None:
        return digest, None, None
    import json

    chunk = json.loads(ledger[1] or "{}").get("chunk", {})
    return digest, ledger[0], chunk.get("rows")


def _project(path: Path) -> Path:
    repo = make_repo(path)
    git(repo, "config", "gc.auto", "0")
    start_migration(GitRepo(repo), "fill")
    add_data_step(
        GitRepo(repo),
        summary="upper-case labels, count each visit",
        options=DataOptions(
            mode="set",
            table="item",
            assignments=(("label", "upper(label)"), ("n", "n + 1")),
            batch_size=BATCH,
        ),
    )
    return repo


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ],
)
def test_sigkill_during_a_backfill_then_resume_equals_a_clean_run(
    dialect: str, tmp_path: Path
) -> None:
    repo = _project(tmp_path / "repo")
    env = cli_env(tmp_path / "home")
    seed = int(os.environ.get("GITMIGRATE_TRIAL_SEED", str(random.randrange(1 << 30))))
    rng = random.Random(seed)
    with fresh_database_url(dialect, tmp_path) as url:
        _fill(url, dialect)
        started = time.monotonic()
        clean = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        read_until(clean, "[1/1] apply")
        first_step = time.monotonic() - started  # Python start-up and planning before it
        _, stderr = clean.communicate(timeout=120)
        seconds = time.monotonic() - started
        assert clean.returncode == 0, stderr
        expected = _digest(url)
    assert expected[1:] == ("applied", ROWS)
    outcomes: list[str] = []
    for number in range(TRIALS):
        delay = rng.uniform(first_step * 0.8, seconds)  # most kills land inside the chunks
        with fresh_database_url(dialect, tmp_path) as url:
            _fill(url, dialect)
            proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
            time.sleep(delay)
            killed = proc.poll() is None
            if killed:
                proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=120)
            after_kill = _digest(url)
            resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
            final = _digest(url)
        where = "done" if not killed else f"killed at {after_kill[1] or 'start'}"
        ok = resumed.returncode == 0 and final == expected
        outcomes.append(f"#{number} {delay:.2f}s {where}: {'ok' if ok else 'FAILED'}")
        assert ok, (
            f"trial {number} (seed {seed}, delay {delay:.2f}s): resume exit"
            f" {resumed.returncode} {resumed.stderr.strip()}; final {final[1:]} vs {expected[1:]};"
            f" table {'equal' if final[0] == expected[0] else 'differs'}"
        )
    print(f"\n[{dialect}] seed={seed} clean run {seconds:.2f}s\n  " + "\n  ".join(outcomes))
