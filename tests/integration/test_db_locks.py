"""The target lock excludes other processes and dies with its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.locks import target_lock
from gitmigrate.db.url import dialect_name
from gitmigrate.errors import LockTimeoutError

HOLDER = """
import sys, time
from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.locks import target_lock
with target_lock(create_target_engine(sys.argv[1]), timeout=5):
    print("locked", flush=True)
    time.sleep(120)
"""


@contextmanager
def holder_process(url: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock; killed with SIGKILL when the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked", "holder process did not take the lock"
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)


def test_second_process_times_out_and_lock_frees_when_holder_is_killed(db_url: str) -> None:
    engine = create_target_engine(db_url)
    with holder_process(db_url) as proc:
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as err:
            with target_lock(engine, timeout=0.5):
                pytest.fail("took a lock that another process holds")
        waited = time.monotonic() - started
        assert 0.4 <= waited < 3
        assert "locked by another git-migrate run" in str(err.value)
        assert "--lock-timeout" in str(err.value)
        if dialect_name(db_url) == "postgresql":
            assert "held by pid " in str(err.value)
            assert "application_name=git-migrate" in str(err.value)
        elif dialect_name(db_url) == "sqlite":
            assert f"held by pid {proc.pid}" in str(err.value)
        else:
            assert "held by connection" in str(err.value)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    # the server (or kernel) notices the dead holder; allow it a moment
    with target_lock(engine, timeout=10):
        pass
    engine.dispose()


def test_lock_is_released_on_exit_and_on_error(db_url: str) -> None:
    engine = create_target_engine(db_url)
    with pytest.raises(RuntimeError):
        with target_lock(engine, timeout=1):
            raise RuntimeError("step failed")
    with target_lock(engine, timeout=0):
        with pytest.raises(LockTimeoutError):  # a second holder, even in-process, is refused
            with target_lock(engine, timeout=0.3):
                pass
    with target_lock(engine, timeout=0):
        pass
    engine.dispose()


def test_lock_names_are_independent_on_servers(db_url: str) -> None:
    """Servers key the lock by name; SQLite has one lock file per database file."""
    engine = create_target_engine(db_url)
    with target_lock(engine, timeout=0, name="one"):
        if dialect_name(db_url) == "sqlite":
            with pytest.raises(LockTimeoutError):
                with target_lock(engine, timeout=0, name="two"):
                    pass
        else:
            with target_lock(engine, timeout=0, name="two"):
                pass
    engine.dispose()


def test_sqlite_memory_lock_is_a_no_op() -> None:
    engine = create_target_engine("sqlite://")
    with target_lock(engine, timeout=0):
        with target_lock(engine, timeout=0):
            pass
