"""`repair`: record an operator's decision about a step the tool cannot move on by itself
(see gitmigrate/engine/repair.py for what each decision does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.running import Confirm

if TYPE_CHECKING:
    from gitmigrate.engine.repair import RepairResult


@dataclass(frozen=True)
class RepairReport:
    """The decision recorded: the step's status before and after, and the run that did it."""

    result: RepairResult

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()


def repair(
    repo: RepoLike,
    step: str,
    decision: str,
    *,
    target: str | None = None,
    migration: str | None = None,
    reason: str | None = None,
    yes: bool = False,
    lock_timeout: float = 60.0,
    confirm: Confirm | None = None,
) -> RepairReport:
    """Record `decision` ("resolved", "rerun" or "abandon") for `step` on `target`: a ledger
    row and a run event. Decisions that leave a step's partial effects in place, or run it
    again over them, need `yes=True` or a `confirm` callable that says yes."""
    from gitmigrate.engine.repair import RepairOptions
    from gitmigrate.engine.repair import repair as engine_repair

    options = RepairOptions(
        step=step, decision=decision, target=target, migration=migration, yes=yes,
        reason=reason, lock_timeout=lock_timeout,
    )  # fmt: skip
    return RepairReport(engine_repair(open_repo(repo), options, confirm))
