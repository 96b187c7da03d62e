"""`cleanup NAME`: drop the helper tables data steps keep in a target (before-images,
quarantined rows, copy records) once the whole migration is applied there.

Before-images are what makes a data step reversible, so they go only when the migration is
complete on that target, after confirmation; the run notes record what was dropped. The drop
runs under the target's migration lock, after checking completeness again there, so a rollback
that starts meanwhile never loses the before-images it restores from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.data.naming import (
    backup_table_name,
    copy_record_table_name,
    quarantine_table_name,
)
from gitmigrate.db.ledger import Ledger
from gitmigrate.db.locks import target_lock
from gitmigrate.engine.plan import steps_in_scope
from gitmigrate.engine.runlog import RunRecorder
from gitmigrate.engine.target import DatabaseTarget, open_database_target
from gitmigrate.errors import BlockedError


@dataclass
class CleanupResult:
    target: str
    migration: str
    tables: list[str] = field(default_factory=list)
    dropped: bool = False


def cleanup(
    repo: GitRepo,
    migration: str,
    *,
    target: str | None = None,
    dry_run: bool = False,
    confirm: Callable[[str], bool] | None = None,
    yes: bool = False,
    lock_timeout: float = 60.0,
) -> CleanupResult:
    config = load_config(repo)
    steps = steps_in_scope(repo, config, migration)
    opened = open_database_target(config, target)
    result = CleanupResult(opened.name, migration)
    try:
        with opened.engine.connect() as conn:
            _require_complete(conn, opened, steps, migration)
            existing = set(inspect(conn).get_table_names())
            for step in steps:  # only data steps keep helper tables: their names say whose
                for name in (
                    backup_table_name(step.id),
                    quarantine_table_name(step.id),
                    copy_record_table_name(step.id),
                ):
                    if name in existing:
                        result.tables.append(name)
        if not result.tables or dry_run:
            return result
        question = (
            f"Drop {len(result.tables)} helper table(s) of {migration} on {opened.name}"
            f" ({', '.join(result.tables)})? Its data steps can no longer be rolled back."
        )
        if not yes:
            if confirm is None:
                raise BlockedError(
                    "dropping before-images needs confirmation: " + ", ".join(result.tables),
                    "run it in a terminal to be asked, or pass --yes",
                )
            if not confirm(question):
                raise BlockedError("nothing dropped: not confirmed", "nothing was changed")
        recorder = RunRecorder(repo, opened.name, "cleanup", dry_run=False)
        preparer = opened.engine.dialect.identifier_preparer  # always quotes, as schema.render
        with target_lock(opened.engine, timeout=lock_timeout), opened.engine.begin() as conn:
            _require_complete(conn, opened, steps, migration)
            for name in result.tables:
                conn.exec_driver_sql(f"DROP TABLE {preparer.quote_identifier(name)}")
            _mark_cleaned(conn, Ledger(opened.engine), steps, result.tables)
        recorder.event(
            "cleanup", None, repo.head_commit(), migration=migration, dropped=result.tables
        )
        recorder.flush()
        result.dropped = True
    finally:
        opened.engine.dispose()
    return result


def _mark_cleaned(conn: Connection, ledger: Ledger, steps: list[Step], dropped: list[str]) -> None:
    """Record on each step's ledger row which of its helper tables are gone, so a rollback
    through it is refused before it starts instead of failing halfway (issue 12)."""
    rows = ledger.rows(conn)
    for step in steps:
        names = [
            n
            for n in (
                backup_table_name(step.id),
                quarantine_table_name(step.id),
                copy_record_table_name(step.id),
            )
            if n in dropped
        ]
        if names and step.id in rows:
            checkpoint = {**(rows[step.id].checkpoint or {}), "cleaned": names}
            ledger.update(conn, step.id, checkpoint=checkpoint)


def _require_complete(
    conn: Connection, opened: DatabaseTarget, steps: list[Step], migration: str
) -> None:
    rows = Ledger(opened.engine).rows(conn)
    pending = [s.id for s in steps if rows.get(s.id) is None or rows[s.id].status != "applied"]
    if pending:
        raise BlockedError(
            f"migration {migration} is not complete on {opened.name}: "
            f"{', '.join(pending[:5])}{'...' if len(pending) > 5 else ''} not applied",
            "apply (or roll back) it first; before-images are kept until then",
        )
