"""The in-database ledger: round trips, shares the step's transaction, refuses hand-made garbage."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, inspect, text

from gitmigrate.db.connect import create_target_engine, supports_transactional_ddl
from gitmigrate.db.ledger import LEDGER_TABLE, Ledger, LedgerRow
from gitmigrate.errors import CorruptMetadataError

STARTED = datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=UTC)


def make_row(step_id: str = "add-users/001", **changes: object) -> LedgerRow:
    row = LedgerRow(
        step_id=step_id,
        migration="add-users",
        seq=1,
        commit="0123456789abcdef0123456789abcdef01234567",
        checksum="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        checksum_algo="sha256",
        status="running",
        statements_done=0,
        checkpoint={"chunk": 3, "last_id": 1000, "cursor": ["a", 1]},
        started_at=STARTED,
        finished_at=None,
        applied_by="alice",
        host="build-7",
        run_id="run-1",
        error=None,
        duration_ms=None,
    )
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_target_engine(db_url)
    yield eng
    eng.dispose()


def test_rows_is_empty_before_ensure_and_ensure_is_idempotent(engine: Engine) -> None:
    ledger = Ledger(engine)
    assert ledger.rows() == {}
    with engine.begin() as conn:
        assert ledger.get(conn, "x/001") is None
        ledger.ensure(conn)
    with engine.begin() as conn:
        ledger.ensure(conn)
        ledger.upsert(conn, make_row())
    with engine.begin() as conn:
        ledger.ensure(conn)  # a second ensure keeps the rows
        assert inspect(conn).has_table(LEDGER_TABLE)
    assert list(ledger.rows()) == ["add-users/001"]


def test_upsert_update_rows_round_trip(engine: Engine) -> None:
    ledger = Ledger(engine)
    row = make_row()
    with engine.begin() as conn:
        ledger.ensure(conn)
        ledger.upsert(conn, row)
        ledger.upsert(conn, make_row("add-users/002", seq=2, checkpoint=None, started_at=None))
    rows = ledger.rows()
    assert rows["add-users/001"] == row
    assert rows["add-users/001"].started_at is not None
    assert rows["add-users/001"].started_at.tzinfo is not None
    assert rows["add-users/001"].started_at.utcoffset() == timedelta(0)
    assert rows["add-users/002"].checkpoint is None and rows["add-users/002"].started_at is None

    finished = datetime(2024, 5, 17, 11, 31, 0, 5, tzinfo=timezone(timedelta(hours=2)))
    with engine.begin() as conn:
        ledger.update(
            conn,
            "add-users/001",
            status="applied",
            statements_done=7,
            checkpoint={"chunk": 4},
            finished_at=finished,
            duration_ms=3_600_000_123,
        )
    with engine.connect() as conn:
        got = ledger.get(conn, "add-users/001")
    assert got == dataclasses.replace(
        row,
        status="applied",
        statements_done=7,
        checkpoint={"chunk": 4},
        finished_at=finished,
        duration_ms=3_600_000_123,
    )
    assert got is not None and got.finished_at == datetime(2024, 5, 17, 9, 31, 0, 5, tzinfo=UTC)

    with engine.begin() as conn:  # upsert replaces every column of an existing row
        ledger.upsert(conn, make_row(status="failed", error="boom\nline 2", checkpoint=None))
        ledger.delete(conn, "add-users/002")
    rows = ledger.rows()
    assert set(rows) == {"add-users/001"}
    assert rows["add-users/001"].error == "boom\nline 2"
    assert rows["add-users/001"].checkpoint is None


def test_ledger_write_rolls_back_with_its_transaction(engine: Engine) -> None:
    ledger = Ledger(engine)
    with engine.begin() as conn:
        ledger.ensure(conn)
        ledger.upsert(conn, make_row("m/001"))
    with engine.connect() as conn:
        trans = conn.begin()
        ledger.upsert(conn, make_row("m/002"))
        ledger.update(conn, "m/001", status="applied", statements_done=3)
        trans.rollback()
    rows = ledger.rows()
    assert set(rows) == {"m/001"}
    assert rows["m/001"].status == "running" and rows["m/001"].statements_done == 0


def test_creating_the_ledger_rolls_back_where_ddl_is_transactional(engine: Engine) -> None:
    """On MySQL the CREATE TABLE commits by itself, but the row still rolls back."""
    ledger = Ledger(engine)
    with engine.connect() as conn:
        trans = conn.begin()
        ledger.ensure(conn)
        ledger.upsert(conn, make_row())
        trans.rollback()
    with engine.connect() as conn:
        exists = inspect(conn).has_table(LEDGER_TABLE)
    assert exists is not supports_transactional_ddl(engine.dialect.name)
    assert ledger.rows() == {}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "'bogus'"),
        ("checkpoint", "'not json'"),
        ("checkpoint", "'[1, 2]'"),
        ("statements_done", "-1"),
    ],
)
def test_hand_edited_rows_are_corrupt_metadata(engine: Engine, column: str, value: str) -> None:
    ledger = Ledger(engine)
    with engine.begin() as conn:
        ledger.ensure(conn)
        ledger.upsert(conn, make_row("edited/003"))
        conn.execute(text(f"UPDATE {LEDGER_TABLE} SET {column} = {value}"))
    with pytest.raises(CorruptMetadataError) as err:
        ledger.rows()
    assert "'edited/003'" in str(err.value)
    assert f"column {column}" in str(err.value)
    assert err.value.hint is not None and "git migrate verify" in err.value.hint
    with engine.connect() as conn, pytest.raises(CorruptMetadataError):
        ledger.get(conn, "edited/003")


def test_update_refuses_unknown_fields_and_missing_rows(engine: Engine) -> None:
    ledger = Ledger(engine)
    with engine.begin() as conn:
        ledger.ensure(conn)
        with pytest.raises(ValueError, match="nonsense"):
            ledger.update(conn, "a/001", nonsense=1)
        with pytest.raises(ValueError, match="status"):
            ledger.upsert(conn, make_row(status="bogus"))
        with pytest.raises(CorruptMetadataError, match="'a/001'"):
            ledger.update(conn, "a/001", status="applied")
