"""Two runs never apply the same step (guarantee 3): real `git migrate apply` processes started
together on one target, and a run that cannot get the lock within --lock-timeout."""

from __future__ import annotations

import signal

import pytest

from tests.engine_procs import (
    Projects,
    long_step,
    read_until,
    run_cli,
    start_cli,
    target_state,
)

DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]
FIXTURES = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}
STEPS = ["trial/001", "trial/002", "trial/003"]
RUNNERS = 4


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory.mktemp("projects"), lambda d: long_step(d, 4, 2000))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_four_applies_at_once_apply_every_step_exactly_once(
    dialect: str, projects: Projects, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    env, repo = projects.env, projects(dialect)
    procs = [
        start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        for _ in range(RUNNERS)
    ]
    outputs = [proc.communicate(timeout=180) for proc in procs]
    codes = [proc.returncode for proc in procs]
    assert codes == [0] * RUNNERS, [err for _, err in outputs]
    winners = [out for out, _ in outputs if "apply: 3 step(s)" in out]
    losers = [out for out, _ in outputs if "up to date, nothing to apply" in out]
    assert (len(winners), len(losers)) == (1, RUNNERS - 1), [out for out, _ in outputs]

    state = target_state(url)
    assert {s: status for s, (status, _) in state.ledger.items()} == dict.fromkeys(STEPS, "applied")
    # each step inserts one row into step_runs: a step run twice would show twice
    assert state.step_runs == {"001": 1, "002": 1, "003": 1}
    assert state.counts == {"item": 4 * 2000, "step_runs": 3, "total": 1}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_run_that_cannot_get_the_lock_in_time_exits_1_saying_who_holds_it(
    dialect: str, projects: Projects, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    env, repo = projects.env, projects(dialect)
    holder = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    try:
        read_until(holder, "apply trial/002")
        holder.send_signal(signal.SIGSTOP)  # the holder keeps the lock for as long as we like
        try:
            waiter = run_cli(
                repo, env, "apply", "--yes", "--lock-timeout", "1", "--target", url, timeout=60
            )
        finally:
            holder.send_signal(signal.SIGCONT)
        _, holder_err = holder.communicate(timeout=120)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert waiter.returncode == 1, (waiter.stdout, waiter.stderr)
    assert "locked by another git-migrate run (waited 1 s" in waiter.stderr
    assert "--lock-timeout" in waiter.stderr
    assert "held by" in waiter.stderr  # who holds it, when the server tells
    assert "Traceback" not in waiter.stderr
    assert holder.returncode == 0, holder_err

    state = target_state(url)
    assert state.step_runs == {"001": 1, "002": 1, "003": 1}
    after = run_cli(repo, env, "apply", "--yes", "--lock-timeout", "1", "--target", url)
    assert after.returncode == 0, after.stderr
    assert "up to date" in after.stdout
