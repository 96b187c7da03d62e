"""Helpers for the subprocess trials of the engine: a project whose migration takes measurable
time on each dialect, the CLI started as a real process (`python -m gitmigrate`, so a signal
reaches the process that runs the steps, not a `git` wrapper), and what a target holds.

Used by tests/integration/test_engine_{crash,signals,concurrency}.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from gitmigrate.core.authoring import SqlSource, start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.db.ledger import LEDGER_TABLE
from gitmigrate.db.snapshot import schema_snapshot
from gitmigrate.kinds.sql.authoring import add_sql_step
from tests.fixtures_git import IDENTITY, make_repo

MIGRATION = "trial"


def cli_env(home: Path) -> dict[str, str]:
    """The environment of every CLI subprocess: pinned identity, no user or system git config."""
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS"):
        env.pop(var, None)
    env.update(IDENTITY)
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        PYTHONUNBUFFERED="1",
    )
    return env


def cli_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "gitmigrate", *args]


def start_cli(repo: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_argv(*args),
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_cli(
    repo: Path, env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_argv(*args), cwd=repo, env=env, capture_output=True, text=True, timeout=timeout
    )


# --- the trial migration -------------------------------------------------------------------------

ROWS = 20000  # rows per bulk INSERT (a multiple of 200); five make step 002 take measurable time


def _series(dialect: str, first: int, count: int) -> str:
    """SELECT n, grp, label for `count` values of n from `first`: generate_series on PostgreSQL,
    elsewhere a recursive CTE of 200 rows joined with itself (MariaDB stops recursion at
    max_recursive_iterations, 1000 by default)."""
    if dialect == "postgresql":
        return (
            f"SELECT n, n % 97, 'item-' || n"
            f" FROM generate_series({first}, {first + count - 1}) AS s(n)"
        )
    label = "CONCAT('item-', n)" if dialect == "mysql" else "'item-' || n"
    return (
        "WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 199)"
        f" SELECT n, n % 97, {label} FROM (SELECT {first} + a.k * 200 + b.k AS n"
        f" FROM d AS a CROSS JOIN d AS b WHERE a.k < {count // 200}) AS s"
    )


def _mark(step: str) -> str:
    """Each step's side effect: one row per execution, so a repeated step shows twice."""
    return f"INSERT INTO step_runs (step) VALUES ('{step}')"


def trial_steps(dialect: str, rows: int = ROWS) -> list[tuple[str, str, str]]:
    """(summary, up, down) of a five-step migration with several statements per step."""
    bulk = [
        f"INSERT INTO item (id, grp, label) {_series(dialect, k * rows + 1, rows)}"
        for k in range(5)
    ]
    return [
        (
            "tables",
            "CREATE TABLE step_runs (step VARCHAR(10) NOT NULL);\n"
            "CREATE TABLE item (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL,"
            " label VARCHAR(40) NOT NULL);\n"
            "CREATE TABLE tag (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);\n"
            "CREATE INDEX ix_item_grp ON item (grp);\n" + _mark("001") + ";\n",
            "DROP INDEX ix_item_grp" + (" ON item" if dialect == "mysql" else "") + ";\n"
            "DROP TABLE tag;\nDROP TABLE item;\nDROP TABLE step_runs;\n",
        ),
        (
            "bulk rows",
            "".join(s + ";\n" for s in bulk) + _mark("002") + ";\n",
            "DELETE FROM item;\nDELETE FROM step_runs WHERE step = '002';\n",
        ),
        (
            "score column",
            "ALTER TABLE item ADD COLUMN score INTEGER;\n"
            "UPDATE item SET score = grp * 2 + 1 WHERE score IS NULL;\n"
            "CREATE TABLE band (score INTEGER PRIMARY KEY, label VARCHAR(10) NOT NULL);\n"
            "CREATE INDEX ix_band_label ON band (label);\n"
            "INSERT INTO band (score, label) SELECT DISTINCT score, 'b' FROM item;\n"
            + _mark("003")
            + ";\n",
            "DROP TABLE band;\nALTER TABLE item DROP COLUMN score;\n"
            "DELETE FROM step_runs WHERE step = '003';\n",
        ),
        (
            "group totals",
            "CREATE TABLE grp_total (grp INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
            " total INTEGER NOT NULL);\n"
            "INSERT INTO grp_total (grp, n, total) SELECT grp, COUNT(*), SUM(score)"
            " FROM item GROUP BY grp;\n"
            "CREATE VIEW big_groups AS SELECT grp, n FROM grp_total WHERE n > 100;\n"
            + _mark("004")
            + ";\n",
            "DROP VIEW big_groups;\nDROP TABLE grp_total;\n"
            "DELETE FROM step_runs WHERE step = '004';\n",
        ),
        (
            "prune and tag",
            "DELETE FROM item WHERE grp = 0;\n"
            "UPDATE grp_total SET n = 0 WHERE grp = 0;\n"
            "INSERT INTO tag (id, name) SELECT grp, 'group' FROM grp_total WHERE n > 0;\n"
            + _mark("005")
            + ";\n",
            "DELETE FROM tag;\nDELETE FROM step_runs WHERE step = '005';\n",
        ),
    ]


def long_step(dialect: str, statements: int = 20, rows: int = 5000) -> list[tuple[str, str, str]]:
    """Three steps whose middle one runs `statements` bulk INSERTs: a step to signal inside."""
    inserts = "".join(
        f"INSERT INTO item (id, grp, label) {_series(dialect, k * rows + 1, rows)};\n"
        for k in range(statements)
    )
    return [
        (
            "tables",
            "CREATE TABLE step_runs (step VARCHAR(10) NOT NULL);\n"
            "CREATE TABLE item (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL,"
            " label VARCHAR(40) NOT NULL);\n" + _mark("001") + ";\n",
            "DROP TABLE item;\nDROP TABLE step_runs;\n",
        ),
        ("long load", inserts + _mark("002") + ";\n", "DELETE FROM item;\n"),
        (
            "totals",
            "CREATE TABLE total (n INTEGER NOT NULL);\n"
            "INSERT INTO total (n) SELECT COUNT(*) FROM item;\n" + _mark("003") + ";\n",
            "DROP TABLE total;\n",
        ),
    ]


def make_project(path: Path, dialect: str, steps: list[tuple[str, str, str]]) -> Path:
    """A repository on branch migrate/trial holding `steps` (summary, up, down) for `dialect`."""
    make_repo(path)
    repo = GitRepo(path)
    start_migration(repo, MIGRATION, description="subprocess trials")
    for summary, up, down in steps:
        add_sql_step(
            repo,
            summary=summary,
            up=SqlSource(up, "up.sql"),
            down=SqlSource(down, "down.sql"),
            dialect=dialect,
        )
    return path


def make_trial_project(path: Path, dialect: str, rows: int = ROWS) -> Path:
    """A repository on branch migrate/trial holding the five trial steps for `dialect`."""
    return make_project(path, dialect, trial_steps(dialect, rows))


STEP_IDS = [f"{MIGRATION}/{n:03d}" for n in range(1, 6)]


# --- what a target holds -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetState:
    schema: dict[str, Any]
    counts: dict[str, int]
    ledger: dict[str, tuple[str, int]]  # step id -> (status, statements_done)
    step_runs: dict[str, int]  # step -> how many times its side effect ran

    def same_data(self, other: TargetState) -> bool:
        return self.schema == other.schema and self.counts == other.counts


def target_state(url: str) -> TargetState:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            counts = {
                t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
                for t in tables
                if not t.startswith("gitmigrate_")  # the ledger and the lock row
            }
            ledger: dict[str, tuple[str, int]] = {}
            if LEDGER_TABLE in tables:
                for step_id, status, done in conn.execute(
                    text(f"SELECT step_id, status, statements_done FROM {LEDGER_TABLE}")
                ):
                    ledger[step_id] = (status, int(done))
            runs: dict[str, int] = {}
            if "step_runs" in tables:
                for step, n in conn.execute(
                    text("SELECT step, COUNT(*) FROM step_runs GROUP BY step")
                ):
                    runs[step] = int(n)
            return TargetState(schema_snapshot(conn), counts, ledger, runs)
    finally:
        engine.dispose()


def all_applied(state: TargetState) -> bool:
    return (
        sorted(state.ledger) == STEP_IDS
        and all(status == "applied" for status, _ in state.ledger.values())
        and state.step_runs == {f"{n:03d}": 1 for n in range(1, 6)}
    )


def classify_kill(state: TargetState, stdout: str) -> str:
    """Where a kill landed: from what the ledger showed right after it and, on dialects where
    an interrupted step leaves no trace in the ledger, from the last progress line printed."""
    applied = [s for s, (status, _) in state.ledger.items() if status == "applied"]
    if any(status == "running" for status, _ in state.ledger.values()):
        return "mid-step"
    if len(applied) == len(STEP_IDS):
        return "after done"
    started = [line for line in stdout.splitlines() if line.startswith("[")]
    finished = [line for line in stdout.splitlines() if line.strip().startswith("applied ")]
    if len(started) > len(finished) and len(started) > len(applied):
        return "mid-step"
    return "between steps" if applied else "before first step"


def expected_counts(rows: int = ROWS) -> dict[str, int]:
    """Row counts after the five trial steps: group 0 pruned, one tag per remaining group."""
    total = 5 * rows
    return {
        "band": 97,
        "grp_total": 97,
        "item": total - total // 97,
        "step_runs": 5,
        "tag": 96,
    }


def read_until(proc: subprocess.Popen[str], marker: str) -> str:
    """Read the process's stdout line by line until a line contains `marker`; all lines read."""
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"the process ended without printing {marker!r}: {''.join(seen)}")


class Projects:
    """Trial repositories built once per test module and dialect (they are only read by runs,
    apart from run notes), with the environment their CLI processes run under."""

    def __init__(self, root: Path, build: Callable[[str], list[tuple[str, str, str]]]) -> None:
        self.root = root
        self.build = build
        self.env = cli_env(root / "home")
        self._made: dict[str, Path] = {}

    def __call__(self, dialect: str) -> Path:
        if dialect not in self._made:
            self._made[dialect] = make_project(self.root / dialect, dialect, self.build(dialect))
        return self._made[dialect]
