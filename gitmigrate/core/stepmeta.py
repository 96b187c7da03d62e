"""The step note: facts derivable from a step's files, so a missing note is recomputed, never
an error (hosting sites drop notes on squash/rebase merges).

The generic part (id, kind, checksums) is here; the rest (`impact`, `lint`, ...) is the step's
kind's `note` (a SQL step's impact lists, per statement, the lock it takes, the rows of the table
it touches and a static duration estimate). Rows are known only when the note is written with
table statistics at hand (`schema diff` from a live database). Keys are only ever added: readers
must accept notes written before a key existed.
"""

from __future__ import annotations

from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.kindlookup import RowCounts, kind_note
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_step_notes

NOTE_VERSION = 1


def compute_step_note(
    step: Step, dialect: str | None = None, table_rows: RowCounts | None = None
) -> dict[str, Any]:
    note: dict[str, Any] = {
        "version": NOTE_VERSION,
        "step": step.id,
        "kind": step.kind,
        "summary": step.summary,
        "checksum": step.checksum,
        "checksum_algo": step.checksum_algo,
        "files": step.file_checksums(),
        "irreversible": step.irreversible,
    }
    note.update(kind_note(step, dialect, table_rows))
    return note


def step_notes_for(
    repo: GitRepo, steps: list[Step], dialect: str | None
) -> dict[str, dict[str, Any]]:
    """Notes of the steps' commits; any that are missing are recomputed (not written back)."""
    commits = [s.commit for s in steps if s.commit]
    stored = read_step_notes(repo, commits)
    result = {}
    for step in steps:
        if step.commit and step.commit in stored:
            result[step.id] = stored[step.commit]
        else:
            note = compute_step_note(step, dialect)
            note["recomputed"] = True
            result[step.id] = note
    return result
