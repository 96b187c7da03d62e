"""SIGINT and SIGTERM during a long step (guarantee 7): the engine finishes the statement in
progress, records its checkpoint, exits 130 naming `git migrate resume`, and resume completes."""

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

# the handler is the same for both signals; what differs by dialect is what is kept, so SIGINT
# runs on every dialect and SIGTERM on the transactional SQLite and the statement-wise MariaDB
CASES = [
    pytest.param("sqlite", signal.SIGINT, id="sqlite-SIGINT"),
    pytest.param("postgresql", signal.SIGINT, id="postgresql-SIGINT", marks=pytest.mark.postgres),
    pytest.param("mysql", signal.SIGINT, id="mysql-SIGINT", marks=pytest.mark.mysql),
    pytest.param("sqlite", signal.SIGTERM, id="sqlite-SIGTERM"),
    pytest.param("mysql", signal.SIGTERM, id="mysql-SIGTERM", marks=pytest.mark.mysql),
]
FIXTURES = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}
STATEMENTS, ROWS = 20, 5000  # step 002: twenty INSERTs of 5000 rows, long enough to signal inside
STEPS = ["trial/001", "trial/002", "trial/003"]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory.mktemp("projects"), lambda d: long_step(d, STATEMENTS, ROWS))


@pytest.mark.parametrize(("dialect", "sig"), CASES)
def test_signal_during_a_long_step_exits_130_and_resume_completes(
    dialect: str, sig: signal.Signals, projects: Projects, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    env, repo = projects.env, projects(dialect)
    proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    try:
        read_until(proc, "apply trial/002")  # step 001 is applied, 002 has begun
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (proc.returncode, stdout, stderr)
    assert "interrupted during step trial/002 (up)" in stderr, stderr
    assert "resume with: git migrate resume --target <url>" in stderr, stderr
    assert "Traceback" not in stderr

    state = target_state(url)
    assert state.ledger["trial/001"][0] == "applied"
    assert set(state.ledger) <= set(STEPS[:2]), "the run went on after the signal"
    if dialect == "mysql":
        # no transactional DDL: the checkpoint of the last finished statement was recorded
        status, done = state.ledger["trial/002"]
        assert status == "running"
        assert 1 <= done < STATEMENTS, "not stopped inside the step"
        assert state.counts["item"] == done * ROWS, "rows and checkpoint disagree"
    else:
        # the step's transaction was rolled back: nothing of it was kept
        assert "trial/002" not in state.ledger
        assert state.counts["item"] == 0
    assert state.step_runs == {"001": 1}

    if dialect == "mysql":  # a half-done step is not silently restarted by apply
        refused = run_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        assert refused.returncode == 3, refused.stderr
        assert "git migrate resume" in refused.stderr

    resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
    assert resumed.returncode == 0, resumed.stderr
    final = target_state(url)
    assert {s: status for s, (status, _) in final.ledger.items()} == dict.fromkeys(STEPS, "applied")
    assert final.step_runs == {"001": 1, "002": 1, "003": 1}
    assert final.counts == {"item": STATEMENTS * ROWS, "step_runs": 3, "total": 1}
