"""A connection that fails to close (as when a second Ctrl-C lands in the pool's close) gives one
warning line, or nothing for an interrupt, never a traceback (it failed CI once: the interrupt
test asserts no traceback on stderr)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy

from gitmigrate.api.interrupts import Interrupted
from gitmigrate.cli.driver_logs import route_driver_logs


def _engine_closing_with(error: BaseException) -> sqlalchemy.Engine:
    class Failing(sqlite3.Connection):
        def close(self) -> None:
            super().close()
            raise error

    return sqlalchemy.create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(":memory:", factory=Failing),
        poolclass=sqlalchemy.pool.NullPool,
    )


def test_a_failed_close_is_one_warning_line(capsys: pytest.CaptureFixture[str]) -> None:
    route_driver_logs()
    route_driver_logs()  # once only, however often main() runs
    engine = _engine_closing_with(ValueError("socket gone"))
    with engine.connect() as conn:
        conn.exec_driver_sql("select 1")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("warning:") == 1 and "ValueError: socket gone" in err


def test_an_interrupt_while_closing_prints_nothing_and_still_ends_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    route_driver_logs()
    engine = _engine_closing_with(Interrupted("SIGINT"))
    with pytest.raises(Interrupted):
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
    assert capsys.readouterr().err == ""
