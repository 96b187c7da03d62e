"""The env kind: an environment's health gate inside a migration (DESIGN.md "Environments").
A database-target kind: its step runs in the run's order, against the run's target, and is
recorded in that target's ledger; what it checks is its environment's (`environment` under
[options]: the database of that environment's target, its config against its schema, its
health URLs), through gitmigrate/envs/health.py, the checks of `git migrate env health`.

apply fails the step when the environment is unhealthy; rollback has nothing to undo; verify
re-runs the checks. The parts: options.py, run.py, describe.py. Imports nothing heavy.

    git migrate add env --environment staging --check database,http --timeout 3
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
from gitmigrate.errors import UsageError


class EnvKind(RunsFromModule):
    run_module = "gitmigrate.kinds.env.run"  # apply_step, rollback_step, verify_step
    name = "env"
    target_sort: TargetSort = "database"
    chunked = False
    compensator: Compensator | None = None  # it changes nothing: nothing to compensate
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        from gitmigrate.kinds.env.options import options_of

        options = options_of(request.options, "env step")
        request.config.environment(options.environment)  # unknown: names the configured ones
        return StepFiles({}, options.to_toml(), request.irreversible)

    def check(self, step: Step) -> list[Problem]:
        from gitmigrate.kinds.env.options import options_of

        try:
            options_of(step.options, f"{step.path}/step.toml [options]")
        except UsageError as exc:
            return [Problem(f"step {step.id}: {exc.message}", exc.hint or "")]
        return []

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # an env step runs no SQL on the run's target

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        from gitmigrate.kinds.env.options import options_of

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        impact = self.analyze(step, dialect or "sqlite")
        return {
            "impact": {"objects": list(impact.objects), "destructive": False, "reasons": []},
            "env": options.to_toml(),
        }

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work(("ENV HEALTH",), None)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.env.options import options_of

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        return Impact(objects=(f"environment {options.environment}",), statements=1)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        return Impact(statements=0)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.env.describe import describe_env

        return describe_env(step, dialect, note)


_CONTRACT: type[Kind] = EnvKind  # mypy checks that the class satisfies the protocol
