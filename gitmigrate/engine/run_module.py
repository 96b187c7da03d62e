"""`RunsFromModule`: a kind's apply, rollback and verify, found in one module of its own and
imported on first use, so the read-only commands that only check and describe steps never load
what running them needs (SQLAlchemy, LibCST, httpx ...).

The module named by `run_module` defines `apply_step(step, ctx)` and `rollback_step(step, ctx)`
(generators of Checkpoints) and `verify_step(step, ctx) -> list[Finding]`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any, ClassVar

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext


class RunsFromModule:
    run_module: ClassVar[str]  # e.g. "gitmigrate.kinds.config.run"

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        yield from self._runner().apply_step(step, ctx)

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        yield from self._runner().rollback_step(step, ctx)

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        found: list[Finding] = self._runner().verify_step(step, ctx)
        return found

    def _runner(self) -> Any:
        return importlib.import_module(self.run_module)
