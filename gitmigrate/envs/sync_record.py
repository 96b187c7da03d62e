"""The drift step `env sync FROM TO` writes makes TO's schema equal FROM's: FROM already holds
its result. So it is recorded as applied on FROM (a ledger row whose checkpoint carries the
decision, and a `step_recorded` run event) without running it there; else FROM and TO would
differ by that step forever, and deploying the migration to FROM would run it over a schema
it already describes (a DROP of a column FROM never had).

Only FROM's ledger is written, under the target lock, with the same row shape a run writes.
"""

from __future__ import annotations

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.ledger import Ledger
from gitmigrate.db.locks import target_lock
from gitmigrate.engine.attempt import new_ledger_row
from gitmigrate.engine.repair import decision_record
from gitmigrate.engine.runlog import RunRecorder
from gitmigrate.engine.target import open_database_target, upgrade_recorder

DECISION = "env-sync"


def record_applied(
    repo: GitRepo,
    config: ProjectConfig,
    target_name: str,
    steps: list[Step],
    reason: str,
    *,
    lock_timeout: float = 60.0,
) -> list[str]:
    """Record `steps` as applied on the target without running them; the ids recorded (a
    step the ledger already has is left as it is)."""
    if not steps:
        return []
    target = open_database_target(config, target_name, "write")
    recorder = RunRecorder(repo, target.name, "env sync", dry_run=False)
    head = repo.head_commit()
    ledger = Ledger(target.engine, on_upgrade=upgrade_recorder(recorder, head))
    recorded: list[str] = []
    try:
        with target_lock(target.engine, timeout=lock_timeout):
            with target.engine.begin() as conn:
                ledger.ensure(conn)
                for step in steps:
                    if ledger.get(conn, step.id) is not None:
                        continue
                    checkpoint = {"decision": decision_record(DECISION, recorder, reason)}
                    ledger.upsert(conn, new_ledger_row(step, "applied", 0, checkpoint, recorder))
                    recorded.append(step.id)
        for step in steps:
            if step.id in recorded:
                recorder.event("step_recorded", step, head, checksum=step.checksum,
                               reason=reason)  # fmt: skip
    finally:
        recorder.flush()
        target.engine.dispose()
    return recorded
