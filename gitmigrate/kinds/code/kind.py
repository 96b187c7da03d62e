"""The code kind: a recipe's rewrite of the project's source files (codemods/), as one step
whose commit is the change. A tree kind (DESIGN.md, "Two sorts of target"):

- the repository (the default): the step commit is the change; apply verifies it (the changed
  files parse; the recorded verify command runs only when the run's caller allows it, see
  policy.py), rollback is the engine's inverse commit;
- an outside tree (`apply --target TREE`): apply runs the step's recipe on the files there,
  keeping their prior bytes for rollback.

The parts: options.py ([options]), record.py (findings.json), authoring.py, run.py
(apply/rollback/verify), check.py (do the files parse), describe.py (plan, review, scripts),
policy.py (may apply run a verify command). This module imports nothing heavy.
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


class CodeKind(RunsFromModule):
    run_module = "gitmigrate.kinds.code.run"  # apply_step, rollback_step, verify_step
    name = "code"
    target_sort: TargetSort = "tree"
    chunked = False
    compensator: Compensator | None = None  # a failed apply is undone by rollback (backups)
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        from gitmigrate.kinds.code.authoring import author_code

        return author_code(request)

    def check(self, step: Step) -> list[Problem]:
        from gitmigrate.kinds.code.options import RECIPE_FILE, STEP, options_of

        try:
            options = options_of(step.options, f"{step.path}/step.toml [options]")
        except UsageError as exc:
            return [Problem(f"step {step.id}: {exc.message}", exc.hint or "")]
        if options.source == STEP and RECIPE_FILE not in step.files:
            return [Problem(f"step {step.id}: source = \"step\" but {RECIPE_FILE} is missing",
                            f"restore {step.path}/{RECIPE_FILE} from the step's commit")]  # fmt: skip
        return []

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # a code step runs no SQL

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        from gitmigrate.kinds.code.options import options_of
        from gitmigrate.kinds.code.record import recorded

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        record = recorded(step)
        impact = self.analyze(step, dialect or "tree")
        return {
            "impact": {
                "objects": list(impact.objects),
                "destructive": impact.destructive,
                "reasons": list(impact.reasons),
            },
            "code": {
                "recipe": options.recipe,
                "files_changed": sorted(record.changed),
                "rewrites": dict(sorted(record.applied.items())),
                "manual_review": [
                    f"{f.path}:{f.line}: {f.rule}: {f.message}" for f in record.flagged
                ],
                "skipped": [f"{p}: {why}" for p, why in record.skipped],
                "verify": {"command": options.verify_command, "outcome": options.verify_outcome},
            },
        }

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work((f"CODE {str(step.options.get('recipe', '')).upper()}".strip(),), None)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.code.record import recorded

        record = recorded(step)
        reasons = tuple(f"review {f.where()}: {f.rule}: {f.message}" for f in record.flagged[:20])
        return Impact(objects=tuple(sorted(record.changed)), reasons=reasons, statements=1)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.code.record import recorded

        return Impact(objects=tuple(sorted(recorded(step).changed)), statements=1)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.code.describe import describe_code

        return describe_code(step, dialect, note)


_CONTRACT: type[Kind] = CodeKind  # mypy checks that the class satisfies the protocol
