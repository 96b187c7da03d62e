"""kill -9 trials (guarantee 7): `git migrate apply` is SIGKILLed at a random instant, then
`git migrate resume` must finish the job as if nothing had happened.

Each trial runs against a fresh database: apply as a real process, SIGKILL after a random delay
between 0 and the duration of a clean run, resume, then compare with a clean uninterrupted run:
schema snapshot and row counts equal, every step `applied` in the ledger, and every step's side
effect (a row in step_runs) present exactly once.

GITMIGRATE_TRIALS sets the number of trials per dialect (default 3 in CI, 12 with
GITMIGRATE_RELIABILITY_FULL=1: the long series is run by hand for the notes);
GITMIGRATE_TRIAL_SEED replays a run (the seed is printed; run pytest with -s to see the table).
"""

from __future__ import annotations

import os
import random
import re
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tests.engine_procs import (
    TargetState,
    all_applied,
    classify_kill,
    cli_env,
    make_project,
    make_trial_project,
    read_until,
    run_cli,
    start_cli,
    target_state,
)
from tests.fixtures_db import fresh_database_url

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
TRIALS = int(os.environ.get("GITMIGRATE_TRIALS", "12" if FULL else "3"))
# MariaDB commits DDL by itself, so a kill between a DDL statement and its ledger update leaves
# the statement done but unrecorded. The engine records each DDL statement's intent (with a
# schema digest) before it, so resume tells whether it ran and goes on by itself (issue 7,
# tests/reliability/test_crash_points.py): a resume that stops on such a statement is a failure.
# Only a ledger row written by an older version (no intents) still stops with the undo to run;
# GITMIGRATE_STRICT_CRASH=0 accepts that stop as the old tolerance did.
STRICT = os.environ.get("GITMIGRATE_STRICT_CRASH", "1") != "0"
GAP = re.compile(
    r"statement (?P<statement>\d+) \(.*\) may have run before the interruption without being"
    r" recorded\n  hint: if its effect is there, undo it, then run"
    r" `git migrate resume --target <url>` \(it runs statement \d+ again and continues\);"
    r" otherwise fix the cause named above and resume\. The undo: (?P<undo>.+)$",
    re.MULTILINE,
)


def _execute(url: str, sql: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Baseline:
    seconds: float  # a clean run, process start to exit
    first_step: float  # when it printed that the first step began (start-up is the rest)
    state: TargetState


@dataclass
class Trial:
    number: int
    delay: float
    point: str
    outcome: str
    detail: str = ""


def _clean_run(repo: Path, env: dict[str, str], dialect: str, tmp: Path) -> Baseline:
    with fresh_database_url(dialect, tmp) as url:
        started = time.monotonic()
        proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        read_until(proc, "[1/5] apply")
        first_step = time.monotonic() - started
        _, stderr = proc.communicate(timeout=120)
        seconds = time.monotonic() - started
        assert proc.returncode == 0, stderr
        state = target_state(url)
    assert all_applied(state), state.ledger
    return Baseline(seconds, first_step, state)


def _one_trial(
    number: int, delay: float, repo: Path, env: dict[str, str], url: str, baseline: Baseline
) -> Trial:
    proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    time.sleep(delay)
    finished_first = proc.poll() is not None
    if not finished_first:
        proc.send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=120)
    if finished_first and proc.returncode != 0:
        return Trial(number, delay, "?", "apply failed", stderr.strip())
    after_kill = target_state(url)
    point = "after done" if finished_first else classify_kill(after_kill, stdout)
    resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
    outcome, detail = "ok", ""
    gap = GAP.search(resumed.stderr) if resumed.returncode == 1 else None
    if gap is not None and not STRICT:
        # the known gap (issue 7): a DDL statement ran but its ledger update did not; resume
        # must have said which statement and how to undo it -- do exactly that, then resume
        _execute(url, gap.group("undo"))
        where = re.search(r"resuming step (\S+)", resumed.stderr)
        outcome = (
            f"gap at {where.group(1) if where else '?'} statement {gap.group('statement')},"
            " ok after the undo resume named"
        )
        detail = f"ledger after kill {after_kill.ledger}; resume said: {resumed.stderr.strip()}"
        resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
    if resumed.returncode != 0:
        return Trial(
            number,
            delay,
            point,
            f"resume exit {resumed.returncode}",
            f"ledger after kill {after_kill.ledger}; resume said: {resumed.stderr.strip()}",
        )
    state = target_state(url)
    if not all_applied(state):
        return Trial(number, delay, point, "ledger wrong", f"{state.ledger} {state.step_runs}")
    if state.counts != baseline.state.counts:
        return Trial(number, delay, point, "rows differ", f"{state.counts}")
    if state.schema != baseline.state.schema:
        return Trial(number, delay, point, "schema differs", "")
    return Trial(number, delay, point, outcome, detail)


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ],
)
def test_sigkill_at_a_random_instant_then_resume_equals_a_clean_run(
    dialect: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("GITMIGRATE_TRIAL_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    env = cli_env(tmp_path / "home")
    repo = make_trial_project(tmp_path / "project", dialect)
    baseline = _clean_run(repo, env, dialect, tmp_path)
    if TRIALS > 6:  # a long series: time a second clean run, a load spike must not skew them all
        again = _clean_run(repo, env, dialect, tmp_path)
        baseline = min(baseline, again, key=lambda b: b.seconds)
    print(
        f"\n[{dialect}] seed={seed} trials={TRIALS} clean run {baseline.seconds:.2f}s"
        f" (first step at {baseline.first_step:.2f}s)"
        f" (replay: GITMIGRATE_TRIAL_SEED={seed} GITMIGRATE_TRIALS={TRIALS})"
    )
    trials = []
    for number in range(TRIALS):
        # every other trial aims past the start-up (imports, connecting, the lock), where the
        # steps run; all delays stay between 0 and the duration of the clean run
        delay = rng.uniform(baseline.first_step if number % 2 else 0, baseline.seconds)
        with fresh_database_url(dialect, tmp_path) as url:
            trial = _one_trial(number, delay, repo, env, url, baseline)
        print(f"  trial {number:2d} kill at {delay:5.2f}s  {trial.point:17s} {trial.outcome}")
        if trial.detail:
            print(f"      {trial.detail}")
        trials.append(trial)
    points = Counter(t.point for t in trials)
    outcomes = Counter(t.outcome for t in trials)
    print(f"  points: {dict(points)}  outcomes: {dict(outcomes)}")
    failed = [t for t in trials if not t.outcome.startswith(("ok", "gap "))]
    assert not failed, f"seed {seed}: " + "; ".join(
        f"trial {t.number} (kill at {t.delay:.2f}s, {t.point}): {t.outcome}: {t.detail}"
        for t in failed
    )


@pytest.mark.mysql
def test_a_statement_done_but_unrecorded_stops_resume_with_the_undo_to_run(
    mysql_url: str, tmp_path: Path
) -> None:
    """The gap above on a ledger row of an older version (no recorded intent, so no way to
    tell): statement 2 of step 001 ran, the ledger says 1. Resume stops and names the undo."""
    env = cli_env(tmp_path / "home")
    repo = make_project(
        tmp_path / "project",
        "mysql",
        [
            (
                "two tables",
                "CREATE TABLE step_runs (step VARCHAR(10) NOT NULL);\n"
                "CREATE TABLE b (id INTEGER PRIMARY KEY);\n"
                "INSERT INTO step_runs (step) VALUES ('001');\n",
                "DROP TABLE b;\nDROP TABLE step_runs;\n",
            )
        ],
    )
    assert run_cli(repo, env, "apply", "--yes", "--target", mysql_url).returncode == 0
    _execute(
        mysql_url,
        "UPDATE gitmigrate_ledger SET status = 'running', statements_done = 1,"
        " finished_at = NULL WHERE step_id = 'trial/001'",
    )
    _execute(mysql_url, "DELETE FROM step_runs")  # statement 3 never ran

    stopped = run_cli(repo, env, "resume", "--yes", "--target", mysql_url)
    assert stopped.returncode == 1, stopped.stderr
    gap = GAP.search(stopped.stderr)
    assert gap is not None, stopped.stderr
    assert gap.group("statement") == "2"
    assert gap.group("undo") == "DROP TABLE `b`"
    assert "Table 'b' already exists" in stopped.stderr
    state = target_state(mysql_url)
    assert state.ledger["trial/001"] == ("needs_attention", 1)
    assert "step_runs" in state.counts, "resume undid statement 1 although 2 stayed in effect"

    blocked = run_cli(repo, env, "apply", "--yes", "--target", mysql_url)
    assert blocked.returncode == 3
    assert "needs attention" in blocked.stderr and "The undo: DROP TABLE `b`" in blocked.stderr

    _execute(mysql_url, gap.group("undo"))
    resumed = run_cli(repo, env, "resume", "--yes", "--target", mysql_url)
    assert resumed.returncode == 0, resumed.stderr
    state = target_state(mysql_url)
    assert state.ledger["trial/001"][0] == "applied"
    assert state.step_runs == {"001": 1}
    assert state.counts == {"b": 0, "step_runs": 1}
