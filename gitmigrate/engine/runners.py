"""The runners of one run, by sort of target: database steps through the Stepper (under the
database lock), tree steps through TreeRun (under each tree's lock file). apply, resume and
rollback walk their steps in order and hand each to `Runners.run`; only where a step's ledger
lives differs (DESIGN.md "Two sorts of target")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.config import TREE
from gitmigrate.core.model import Step
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.attempt import UP, StepRun
from gitmigrate.engine.extra_verify import ExtraVerify, with_extra_verify
from gitmigrate.engine.registry import get_kind
from gitmigrate.engine.runlog import RunRecorder, now
from gitmigrate.engine.stepper import Stepper
from gitmigrate.engine.target import target_sort
from gitmigrate.engine.tree_run import TreeRun
from gitmigrate.engine.tree_steps import TREE_DIALECT, is_tree_step, tree_name
from gitmigrate.errors import UsageError

__all__ = ["Runners", "is_tree_step"]


@dataclass
class Runners:
    stepper: Stepper | None  # None when the run's target is a tree
    tree: TreeRun
    extra_verify: ExtraVerify | None = None  # asked after each applied step's own verify

    def run(
        self, step: Step, direction: str, row: LedgerRow | None, *, previewable: bool = True
    ) -> StepRun:
        kind = get_kind(step.kind)
        if direction == UP:
            kind = with_extra_verify(kind, self.extra_verify)
        if target_sort(kind) == TREE:
            return self.tree.run(step, kind, direction, row)
        if self.stepper is None:  # pragma: no cover - a tree run's scope holds tree steps only
            raise UsageError(f"step {step.id} needs a database target", "pass --target NAME")
        return self.stepper.run(step, kind, direction, row, previewable=previewable)

    def recorder(self, step: Step) -> RunRecorder:
        """The recorder whose events name the step's target."""
        if is_tree_step(step):
            name = tree_name(step, self.tree.override)
            if name in self.tree.recorders:
                return self.tree.recorders[name]
        return self.tree.recorder

    def dialect(self, step: Step) -> str:
        if is_tree_step(step) or self.stepper is None:
            return TREE_DIALECT
        return self.stepper.target.dialect

    def rows(self) -> dict[str, LedgerRow]:
        """Every ledger row of the run's targets as they are now."""
        rows: dict[str, LedgerRow] = {}
        if self.stepper is not None:
            with self.stepper.target.engine.connect() as conn:
                rows.update(self.stepper.ledger.rows(conn))
        for ledger in self.tree.ledgers.values():
            rows.update(ledger.rows())
        return rows

    def skip(self, step: Step, decision: dict[str, Any]) -> None:
        """Record the step `skipped` (an irreversible step rolled back with --force: its
        effects stay, so apply must not run it again unasked); needs ledger version 2."""
        fields: dict[str, Any] = {
            "status": "skipped",
            "checkpoint": {"decision": decision},
            "error": None,
            "finished_at": now(),
        }
        if is_tree_step(step):
            ledger = self.tree.ledgers[tree_name(step, self.tree.override)]
            ledger.ensure()
            ledger.update(step.id, **fields)
        elif self.stepper is not None:
            with self.stepper.target.engine.begin() as conn:
                self.stepper.ledger.ensure(conn)
                self.stepper.ledger.update(conn, step.id, **fields)

    def flush(self) -> None:
        self.tree.recorder.flush()
        self.tree.flush()

    @contextmanager
    def preview(self) -> Iterator[None]:
        if self.stepper is None:
            yield
            return
        with self.stepper.preview():
            yield
