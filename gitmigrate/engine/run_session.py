"""What `apply` and `rollback` both hold while they run one target: its lock (a database's;
each tree takes its own lock file in TreeRun), deferred signals, the trees' runs, the ledger
rows of every step in scope and the runners that send each step to its sort of target."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import Reporter
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.db.locks import target_lock
from gitmigrate.engine.attempt import DRY_RUN_CHUNKS
from gitmigrate.engine.runlog import RunRecorder
from gitmigrate.engine.runners import Runners, is_tree_step
from gitmigrate.engine.signals import deferred_signals
from gitmigrate.engine.stepper import Stepper
from gitmigrate.engine.target import DatabaseTarget, TreeTarget, upgrade_recorder
from gitmigrate.engine.tree_run import TreeRun


@dataclass
class RunSession:
    rows: dict[str, LedgerRow]  # step id -> its ledger row, database and trees alike
    runners: Runners
    tree: TreeRun
    database: DatabaseTarget | None  # None when the run's target is a tree
    ledger: Ledger | None  # the database's ledger table


@contextmanager
def run_session(
    repo: GitRepo,
    config: ProjectConfig,
    target: DatabaseTarget | TreeTarget,
    scope: list[Step],
    recorder: RunRecorder,
    reporter: Reporter,
    *,
    resume: str,
    dry_run: bool,
    lock_timeout: float,
    dry_run_chunks: int | None = DRY_RUN_CHUNKS,
) -> Iterator[RunSession]:
    database = target if isinstance(target, DatabaseTarget) else None
    ledger = None
    if database is not None:
        upgraded = upgrade_recorder(recorder, repo.head_commit())
        ledger = Ledger(database.engine, on_upgrade=upgraded)
    with ExitStack() as stack:
        if database is not None:
            stack.enter_context(target_lock(database.engine, timeout=lock_timeout))
        stop = stack.enter_context(deferred_signals(resume))
        override = None if database else target.name
        tree = stack.enter_context(
            TreeRun(
                repo,
                config,
                reporter,
                recorder,
                stop,
                resume,
                dry_run,
                lock_timeout,
                override=override,
            )  # fmt: skip
        )
        stepper = None
        rows: dict[str, LedgerRow] = {}
        if database is not None and ledger is not None:
            with database.engine.connect() as conn:
                rows = ledger.rows(conn)
            stepper = Stepper(
                database, ledger, reporter, recorder, stop, resume, dry_run,
                config=config, dry_run_chunks=dry_run_chunks,
            )  # fmt: skip
        rows.update(tree.open(s for s in scope if is_tree_step(s)))
        yield RunSession(rows, Runners(stepper, tree), tree, database, ledger)
