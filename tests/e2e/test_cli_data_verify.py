"""`git migrate data verify` end to end on two SQLite Chinook databases (the worked example of
docs/commands/data-verify.md): equal, a hand change found by key, bad input, no repository."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.chinook import load_chinook
from tests.fixtures_git import CliRunner, git


def test_data_verify_cli(git_repo: Path, run_cli: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "chinook.db"
    load_chinook(f"sqlite:///{source}")
    shutil.copy(source, git_repo / "copy.db")
    git(git_repo, "config", "migrate.target.copy.url", "sqlite:///copy.db")  # a named target

    equal = run_cli("data", "verify", "--from", f"sqlite:///{source}", "--to", "copy",
                    "--table", "Track", "--table", "PlaylistTrack")  # fmt: skip
    assert equal.exit_code == 0, equal.stderr
    assert "Track -> Track: 3503 / 3503 rows, 1 segment(s), EQUAL" in equal.stdout
    assert "PlaylistTrack -> PlaylistTrack: 8715 / 8715 rows, 1 segment(s), EQUAL" in equal.stdout

    with sqlite3.connect(git_repo / "copy.db") as conn:
        conn.execute("UPDATE Track SET Name = 'changed' WHERE TrackId = 42")
        conn.execute("DELETE FROM InvoiceLine WHERE InvoiceLineId = 7")
    changed = run_cli("data", "verify", "--from", f"sqlite:///{source}", "--to", "copy",
                      "--table", "Track", "--table", "InvoiceLine", "--json")  # fmt: skip
    assert changed.exit_code == 1, changed.stderr
    document = json.loads(changed.stdout)
    assert document["equal"] is False and document["target"] == "copy"
    track, line = document["tables"]
    assert (track["differing_keys"], track["missing_in_target"]) == ([[42]], [])
    assert (line["missing_in_target"], line["target_rows"]) == ([[7]], 2239)

    human = run_cli("data", "verify", "--from", f"sqlite:///{source}", "--to", "copy",
                    "--table", "InvoiceLine")  # fmt: skip
    assert human.exit_code == 1
    assert "  missing in target (1): 7" in human.stdout

    unknown = run_cli("data", "verify", "--from", f"sqlite:///{source}", "--to", "copy",
                      "--table", "Tracks")  # fmt: skip
    assert unknown.exit_code == 2
    assert "no table 'Tracks' on the source side" in unknown.stderr
    assert "PlaylistTrack" in unknown.stderr  # the tables that do exist

    # outside any repository, URLs still work (and names of targets cannot)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    plain = run_cli("data", "verify", "--from", f"sqlite:///{source}",
                    "--to", f"sqlite:///{git_repo / 'copy.db'}", "--table", "Genre",
                    cwd=elsewhere)  # fmt: skip
    assert plain.exit_code == 0, plain.stderr
    assert "Genre -> Genre: 25 / 25 rows" in plain.stdout
    named = run_cli("data", "verify", "--from", f"sqlite:///{source}", "--to", "copy",
                    "--table", "Genre", cwd=elsewhere)  # fmt: skip
    assert named.exit_code == 2
    assert "is not a URL" in named.stderr
