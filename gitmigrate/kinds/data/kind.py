"""The data kind: keyset-chunked backfills (`set`), Python transforms (`transform`) and copies
between databases (`copy`), described by the options in step.toml.

This module is the kind's face and imports nothing heavy: read-only commands check every step
through it without loading sqlalchemy. Its parts: authoring in data/authoring.py, the note and
pre-run impact in note.py, running in run.py (the engine commits after every checkpoint it
yields, so each chunk and its record are durable together).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import Description
from gitmigrate.engine.kinds import (
    AuthorRequest,
    Compensator,
    Finding,
    Impact,
    Kind,
    Problem,
    PushChecker,
    RowCounts,
    StepFiles,
    TargetSort,
    Work,
)
from gitmigrate.engine.run_module import RunsFromModule

# The heavy parts (sqlalchemy) are imported inside the methods that need them, for the reason
# in the module docstring; none of these imports is there to break a cycle.


class DataKind(RunsFromModule):
    run_module = "gitmigrate.kinds.data.run"  # apply_step, rollback_step, verify_step
    name = "data"
    target_sort: TargetSort = "database"
    chunked = True
    compensator: Compensator | None = None  # chunks commit with their records: nothing to undo
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        """Options `data` (DataOptions, or its step.toml form), `target` (try the step on a
        live target first), `check_files` (pre_checks/post_checks -> local rules files)."""
        from gitmigrate.data.authoring import author_data

        return author_data(request)

    def check(self, step: Step) -> list[Problem]:
        return []  # options are checked where they are read (data.options.options_of)

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # the set expressions are portable SQL, parsed for the target when run

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        from gitmigrate.kinds.data.note import data_impact

        return {"dialect": dialect, "impact": data_impact(step, table_rows, dialect)}

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        """One operation per step, e.g. "DATA SET"."""
        mode = str(step.options.get("mode", "")).upper()
        return Work((f"DATA {mode}".strip(),), rows)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []  # expressions are parsed when the step is authored

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.data.note import analyze

        return analyze(step, dialect)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.data.note import analyze_rollback

        return analyze_rollback(step, dialect)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.data.describe import describe_data

        return describe_data(step, dialect, note)


_CONTRACT: type[Kind] = DataKind  # mypy checks that the class satisfies the protocol
