"""Tree targets: the ledger file (atomic, versioned, validated), the lock file (exclusion,
fencing, stale holders), and how `.gitmigrate.toml` names them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gitmigrate.db.ledger import LEDGER_VERSION, LedgerUpgrade
from gitmigrate.db.lockrow import LockLostError
from gitmigrate.engine.ledger_file import LedgerFile
from gitmigrate.engine.lockfile import LockFile
from gitmigrate.errors import (
    EXIT_BLOCKED,
    CorruptMetadataError,
    LedgerVersionError,
    LockTimeoutError,
)
from tests.integration.test_db_ledger import make_row

# -- the ledger file ---------------------------------------------------------------------------


def test_ledger_file_round_trips_rows_and_writes_atomically(tmp_path: Path) -> None:
    ledger = LedgerFile(tmp_path / "ledger.json")
    assert ledger.rows() == {} and not ledger.exists()
    assert ledger.ensure() is None and ledger.exists()
    row = make_row()
    ledger.upsert(row)
    ledger.upsert(make_row("add-users/002", seq=2, checkpoint=None, started_at=None))
    ledger.update("add-users/001", status="applied", statements_done=3)
    rows = ledger.rows()
    assert rows["add-users/001"].status == "applied"
    assert rows["add-users/001"].started_at == row.started_at  # tz-aware, microseconds kept
    assert rows["add-users/001"].checkpoint == row.checkpoint
    ledger.delete("add-users/002")
    assert list(ledger.rows()) == ["add-users/001"]
    document = json.loads((tmp_path / "ledger.json").read_text())
    assert document["format"] == "gitmigrate-ledger" and document["version"] == LEDGER_VERSION
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.json"]  # no temporary file left
    with pytest.raises(CorruptMetadataError, match="no row for step"):
        ledger.update("nope/001", status="failed")


def test_an_older_ledger_file_is_upgraded_once_and_a_newer_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    old = {"format": "gitmigrate-ledger", "version": 1, "rows": []}
    path.write_text(json.dumps(old))
    seen: list[LedgerUpgrade] = []
    ledger = LedgerFile(path, on_upgrade=seen.append)
    with pytest.raises(ValueError, match="needs ledger version 2"):
        ledger.upsert(make_row(status="skipped"))
    assert ledger.ensure() == LedgerUpgrade(1, 2)
    assert ledger.ensure() is None and seen == [LedgerUpgrade(1, 2)]
    ledger.upsert(make_row(status="skipped"))
    assert json.loads(path.read_text())["version"] == 2

    path.write_text(json.dumps({**old, "version": 5, "written_by": "1.4.0"}))
    with pytest.raises(LedgerVersionError) as caught:
        ledger.rows()
    assert caught.value.exit_code == EXIT_BLOCKED
    assert "1.4.0" in str(caught.value) and "version 5" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "not valid JSON"),
        ('{"rows": []}', "not a git-migrate ledger"),
        ('{"format": "gitmigrate-ledger", "version": "2", "rows": []}', "version '2'"),
        (
            '{"format": "gitmigrate-ledger", "version": 2, "rows": [{"step_id": "a/001"}]}',
            "missing",
        ),
    ],
)
def test_a_hand_edited_ledger_file_is_refused(tmp_path: Path, content: str, complaint: str) -> None:
    path = tmp_path / "ledger.json"
    path.write_text(content)
    with pytest.raises(CorruptMetadataError, match=complaint):
        LedgerFile(path).rows()


def test_a_bad_status_in_a_ledger_file_is_refused(tmp_path: Path) -> None:
    ledger = LedgerFile(tmp_path / "ledger.json")
    ledger.upsert(make_row())
    document = json.loads(ledger.path.read_text())
    document["rows"][0]["status"] = "done-ish"
    ledger.path.write_text(json.dumps(document))
    with pytest.raises(CorruptMetadataError, match="done-ish"):
        ledger.rows()


# -- the lock file -----------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from gitmigrate.engine.lockfile import LockFile
with LockFile(Path(sys.argv[1])).hold(5):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_run_waits_for_the_lock_and_is_told_who_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeoutError, match=f"pid {holder.pid}"), LockFile(path).hold(0.3):
            pass
    finally:
        holder.kill()
        holder.wait()
    # the holder died without releasing: the kernel dropped its flock, the record is stale
    with LockFile(path).hold(1) as claim:
        assert claim.stale is not None and f"pid {holder.pid}" in claim.stale
        assert claim.epoch == 2  # one more than the dead holder's


def test_the_epoch_grows_and_release_keeps_it(tmp_path: Path) -> None:
    lock = LockFile(tmp_path / "lock")
    with lock.hold(1) as first:
        lock.fence()
    with lock.hold(1) as second:
        assert second.epoch == first.epoch + 1 and second.stale is None
    record = json.loads((tmp_path / "lock").read_text())
    assert record["holder"] is None and record["epoch"] == second.epoch


def test_a_run_whose_lock_file_was_taken_over_cannot_write_its_ledger(tmp_path: Path) -> None:
    lock = LockFile(tmp_path / "lock")
    ledger = LedgerFile(tmp_path / "ledger.json", lock)
    with lock.hold(1):
        ledger.upsert(make_row())
        # someone removes the lock file and another run takes a new one
        (tmp_path / "lock").unlink()
        other = LockFile(tmp_path / "lock")
        with other.hold(1):
            with pytest.raises(LockLostError, match="lost the lock file"):
                ledger.update("add-users/001", status="applied")
    assert ledger.rows()["add-users/001"].status == "running"


def test_another_hosts_unreleased_record_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    record = {
        "holder": "bob@elsewhere pid 7",
        "host": "elsewhere-" + socket.gethostname(),
        "pid": 7,
    }
    path.write_text(json.dumps({**record, "epoch": 4, "token": "x"}))
    started = time.monotonic()
    with pytest.raises(LockTimeoutError) as caught, LockFile(path).hold(0.3):
        pass
    assert time.monotonic() - started >= 0.3
    assert "bob@elsewhere" in str(caught.value) and f"remove {path}" in str(caught.value)
