"""The versioned ledger table: a version-1 table (as first shipped: no version record) is read
as is, upgraded in place by `ensure` (and by `apply`, with a `ledger_upgraded` run event), and
a ledger written by a newer git-migrate is refused with the version to install."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Column, Engine, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects import mysql

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.ledger import LEDGER_VERSION, Ledger, LedgerUpgrade, UTCDateTime
from gitmigrate.db.ledger_version import META_TABLE
from gitmigrate.errors import EXIT_BLOCKED, LedgerVersionError
from tests.engine_helpers import make_project
from tests.fixtures_git import CliRunner
from tests.integration.test_db_ledger import make_row

V1_ROW = (
    "INSERT INTO gitmigrate_ledger (step_id, migration, seq, {commit}, checksum, checksum_algo,"
    " status, statements_done, checkpoint, started_at, finished_at, applied_by, host, run_id,"
    " error, duration_ms) VALUES ('old/001', 'old', 1, 'abc', 'sum', 'sha256', 'applied', 2,"
    " NULL, NULL, NULL, 'alice', 'h', 'r1', NULL, 12)"
)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_target_engine(db_url)
    yield eng
    eng.dispose()


# the ledger table exactly as version 1 created it, frozen here: later versions may change
# `ledger_table`, never this
V1 = MetaData()
V1_TABLE = Table(
    "gitmigrate_ledger",
    V1,
    Column("step_id", String(255), primary_key=True),
    Column("migration", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("commit", Text, nullable=False),
    Column("checksum", Text, nullable=False),
    Column("checksum_algo", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("statements_done", Integer, nullable=False),
    Column("checkpoint", Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("applied_by", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("run_id", Text, nullable=False),
    Column("error", Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")),
    Column("duration_ms", BigInteger),
)


def make_v1_ledger(engine: Engine) -> None:
    """A version-1 ledger: that table and a row, no version record (and no gitmigrate_meta)."""
    with engine.begin() as conn:
        V1.create_all(conn)
        quoted = conn.dialect.identifier_preparer.quote("commit")
        conn.execute(text(V1_ROW.format(commit=quoted)))


def meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT name, value FROM {META_TABLE}"))
        return {str(n): str(v) for n, v in found}


def test_a_version_1_ledger_is_read_then_upgraded_once(engine: Engine) -> None:
    make_v1_ledger(engine)
    seen: list[LedgerUpgrade] = []
    ledger = Ledger(engine, on_upgrade=seen.append)
    assert ledger.rows()["old/001"].status == "applied"
    with engine.connect() as conn:
        assert ledger.version(conn) == 1
    with engine.begin() as conn, pytest.raises(ValueError, match="needs ledger version 2"):
        ledger.update(conn, "old/001", status="skipped")  # not before the upgrade
    with engine.begin() as conn:
        assert ledger.ensure(conn) == LedgerUpgrade(1, LEDGER_VERSION)
    assert seen == [LedgerUpgrade(1, 2)]
    assert meta(engine)["ledger_version"] == str(LEDGER_VERSION)
    again = Ledger(engine, on_upgrade=seen.append)
    with engine.begin() as conn:
        assert again.ensure(conn) is None  # upgraded once, recorded once
        again.update(conn, "old/001", status="skipped")
    assert seen == [LedgerUpgrade(1, 2)]
    rows = again.rows()
    assert rows["old/001"].status == "skipped" and rows["old/001"].duration_ms == 12


def test_a_new_ledger_starts_at_the_current_version_without_an_event(engine: Engine) -> None:
    seen: list[LedgerUpgrade] = []
    ledger = Ledger(engine, on_upgrade=seen.append)
    with engine.begin() as conn:
        assert ledger.ensure(conn) is None
        ledger.upsert(conn, make_row(status="abandoned"))
    assert seen == [] and meta(engine)["ledger_version"] == "2"
    assert ledger.rows()["add-users/001"].status == "abandoned"


def test_a_newer_ledger_is_refused_with_the_version_to_install(engine: Engine) -> None:
    with engine.begin() as conn:
        Ledger(engine).ensure(conn)
        conn.execute(text(f"UPDATE {META_TABLE} SET value = '3' WHERE name = 'ledger_version'"))
        conn.execute(
            text(f"UPDATE {META_TABLE} SET value = '0.9.0' WHERE name = 'ledger_written_by'")
        )
    with pytest.raises(LedgerVersionError) as caught:
        Ledger(engine).rows()
    error = caught.value
    assert error.exit_code == EXIT_BLOCKED and error.version == 3 and error.required == "0.9.0"
    assert "version 3" in error.message and "up to 2" in error.message
    assert "0.9.0" in str(error.hint)
    with engine.begin() as conn, pytest.raises(LedgerVersionError):
        Ledger(engine).ensure(conn)  # nor is it "upgraded" downwards
    assert meta(engine)["ledger_version"] == "3"


def test_apply_upgrades_an_old_ledger_and_records_the_event(db_url: str, git_repo: Path) -> None:
    project = make_project(db_url, git_repo)
    engine = create_target_engine(db_url)
    try:
        make_v1_ledger(engine)
    finally:
        engine.dispose()
    project.start("shop")
    project.step("create items", "CREATE TABLE items (id INTEGER PRIMARY KEY)", "DROP TABLE items")
    project.apply()
    events = [json.loads(line) for line in project.notes_text().splitlines() if line.strip()]
    upgraded = [e for e in events if e["event"] == "ledger_upgraded"]
    assert len(upgraded) == 1
    assert (upgraded[0]["from_version"], upgraded[0]["to_version"]) == (1, 2)
    assert set(project.ledger()) == {"old/001", "shop/001"}
    project.apply()  # nothing to do, and no second upgrade
    events = [json.loads(line) for line in project.notes_text().splitlines() if line.strip()]
    assert sum(e["event"] == "ledger_upgraded" for e in events) == 1


def test_apply_and_status_refuse_a_newer_ledger(
    db_url: str, git_repo: Path, run_cli: CliRunner
) -> None:
    project = make_project(db_url, git_repo)
    engine = create_target_engine(db_url)
    try:
        with engine.begin() as conn:
            Ledger(engine).ensure(conn)
            conn.execute(text(f"UPDATE {META_TABLE} SET value = '7' WHERE name = 'ledger_version'"))
            conn.execute(
                text(f"UPDATE {META_TABLE} SET value = '2.0.0' WHERE name = 'ledger_written_by'")
            )
    finally:
        engine.dispose()
    with pytest.raises(LedgerVersionError, match="version 7"):
        project.apply()
    shown = run_cli("status", cwd=git_repo)
    assert shown.exit_code == EXIT_BLOCKED
    assert "version 7" in shown.stderr and "install git-migrate 2.0.0 or later" in shown.stderr
    assert "Traceback" not in shown.stderr
