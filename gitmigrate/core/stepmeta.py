"""The step note: facts derivable from a step's files, so a missing note is recomputed, never
an error (hosting sites drop notes on squash/rebase merges)."""

from __future__ import annotations

from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_step_notes

NOTE_VERSION = 1


def compute_step_note(step: Step, dialect: str | None = None) -> dict[str, Any]:
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
    if step.kind == "sql" and dialect:
        from gitmigrate.lint.engine import lint_step

        note["dialect"] = dialect
        note["impact"] = sql_impact(step, dialect)
        note["lint"] = [f.to_json() for f in lint_step(step, dialect)]
    return note


def sql_impact(step: Step, dialect: str) -> dict[str, Any]:
    """Objects touched and destructive statements of a SQL step (per direction)."""
    from gitmigrate.sql.classify import classify_script

    impact: dict[str, Any] = {}
    for direction in ("up", "down"):
        text = step.text(f"{direction}.sql")
        if text is None:
            continue
        statements: list[dict[str, Any]] = []
        for statement, info in classify_script(text, dialect):
            statements.append(
                {
                    "line": statement.line,
                    "operation": info.operation,
                    "objects": list(info.objects),
                    "destructive": info.destructive,
                    "reason": info.reason,
                }
            )
        impact[direction] = {
            "statements": statements,
            "destructive": any(s["destructive"] for s in statements),
            "objects": sorted({o for s in statements for o in s["objects"]}),
        }
    return impact


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
