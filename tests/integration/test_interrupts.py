"""Every interrupt ends the same way (issue 12, defect 7): exit 130, `error: interrupted …` and a
hint that says how to go on: the resume command, or that nothing was changed. Through real
processes, since a signal's default action (exit 143 for SIGTERM) is what is under test:
SIGINT/SIGTERM before the engine defers signals (while `apply` waits for the target lock), and
SIGTERM in the middle of a data step, after which `apply` names `resume` for the right reason
and `resume` finishes the step with every row changed once."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from gitmigrate.db.locks import target_lock
from tests.engine_procs import cli_env, run_cli, start_cli
from tests.fixtures_git import make_repo

ROWS, BATCH = 4000, 100


def _project(path: Path) -> Path:
    repo = make_repo(path)
    start_migration(GitRepo(repo), "fill")
    add_data_step(
        GitRepo(repo),
        summary="count each visit",
        options=DataOptions(
            mode="set",
            table="item",
            assignments=(("n", "n + 1"),),
            batch_size=BATCH,
            max_rows_per_second=1500.0,  # about three seconds: long enough to signal inside
        ),
    )
    return repo


def _fill(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, n INT NOT NULL)"))
            values = ", ".join(f"({i}, 0)" for i in range(1, ROWS + 1))
            conn.execute(text(f"INSERT INTO item (id, n) VALUES {values}"))
    finally:
        engine.dispose()


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _chunks_done(url: str) -> int:
    try:
        rows = _query(
            url, "SELECT statements_done FROM gitmigrate_ledger WHERE step_id = 'fill/001'"
        )
    except Exception:  # noqa: BLE001 - the ledger is not created yet
        return 0
    return int(str(rows[0][0])) if rows else 0


def _assert_interrupted(rc: int, stderr: str) -> list[str]:
    assert rc == 130, (rc, stderr)
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert stderr.lstrip("\n") == stderr, f"a blank line before the message: {stderr!r}"
    assert lines and lines[0].startswith("error: interrupted"), stderr
    assert any(line.strip().startswith("hint: ") for line in lines[1:]), stderr
    return lines


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_early_interrupt_exits_130_saying_nothing_was_changed(
    sig: signal.Signals, tmp_path: Path, sqlite_url: str
) -> None:
    repo = _project(tmp_path / "repo")
    env = cli_env(tmp_path / "home")
    _fill(sqlite_url)
    engine = create_engine(sqlite_url, poolclass=NullPool)
    try:
        with target_lock(engine, timeout=5):  # `apply` waits here, before deferring signals
            proc = start_cli(
                repo, env, "apply", "--yes", "--no-progress", "--lock-timeout", "60",
                "--target", sqlite_url,
            )  # fmt: skip
            try:
                time.sleep(3)
                assert proc.poll() is None, proc.communicate()
                proc.send_signal(sig)
                _, stderr = proc.communicate(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        engine.dispose()
    lines = _assert_interrupted(proc.returncode, stderr)
    assert sig.name in lines[0], stderr
    assert "nothing was changed" in stderr, stderr
    assert _query(sqlite_url, "SELECT COUNT(*) FROM item WHERE n <> 0") == [(0,)]


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def test_sigterm_mid_data_step_exits_130_and_apply_points_to_resume(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if dialect == "sqlite" else "postgres_url")
    repo = _project(tmp_path / "repo")
    env = cli_env(tmp_path / "home")
    _fill(url)
    proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    try:
        deadline = time.monotonic() + 60
        while _chunks_done(url) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = _assert_interrupted(proc.returncode, stderr)
    assert "interrupted during step fill/001 (up)" in lines[0], stderr
    assert "resume with: git migrate resume --target <url>" in stderr, stderr
    done = _chunks_done(url)
    assert 1 <= done < ROWS // BATCH

    refused = run_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    assert refused.returncode == 3, refused.stderr
    assert "without transactional DDL" not in refused.stderr, refused.stderr
    assert f"{done} chunk(s)" in refused.stderr, refused.stderr
    assert "git migrate resume" in refused.stderr, refused.stderr

    resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
    assert resumed.returncode == 0, resumed.stderr
    assert _query(url, "SELECT n, COUNT(*) FROM item GROUP BY n") == [(1, ROWS)]
    assert _query(url, "SELECT status FROM gitmigrate_ledger") == [("applied",)]


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def test_a_second_ctrl_c_still_ends_with_130_a_hint_and_a_resumable_step(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The user insists: the second SIGINT lands wherever it lands (inside a chunk, or after
    the engine has stopped); the outcome is the same and `resume` finishes the step."""
    url = request.getfixturevalue("sqlite_url" if dialect == "sqlite" else "postgres_url")
    repo = _project(tmp_path / "repo")
    env = cli_env(tmp_path / "home")
    _fill(url)
    proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    try:
        deadline = time.monotonic() + 60
        while _chunks_done(url) < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = _assert_interrupted(proc.returncode, stderr)
    assert "resume" in stderr, lines
    resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url)
    assert resumed.returncode == 0, resumed.stderr
    assert _query(url, "SELECT n, COUNT(*) FROM item GROUP BY n") == [(1, ROWS)]
