"""The api kind: OpenAPI changes as steps (gitmigrate/openapi/ holds the diff, guide, adapter
and deprecation code). A tree kind (DESIGN.md, "Two sorts of target"):

- the repository (the default): the step commit is the change (a guide, an adapter's files, a
  spec marked deprecated); apply verifies it, rollback is the engine's inverse commit;
- an outside tree: apply writes the step's files there, keeping their prior bytes for rollback.

The parts: options.py ([options], waivers), record.py (findings.json: the breaking changes
recorded at author time), authoring.py, run.py, describe.py, coverage.py (which ERR changes of
a branch have neither adapter nor waiver, for `[api] require_adapter`). Imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
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


class ApiKind(RunsFromModule):
    run_module = "gitmigrate.kinds.api.run"  # apply_step, rollback_step, verify_step
    name = "api"
    target_sort: TargetSort = "tree"
    chunked = False
    compensator: Compensator | None = None  # a failed apply is undone by rollback (backups)

    @property
    def push_checker(self) -> PushChecker:
        return self  # breaking changes are judged over the migration's api steps together

    def author(self, request: AuthorRequest) -> StepFiles:
        from gitmigrate.kinds.api.authoring import author_api

        return author_api(request)

    def check(self, step: Step) -> list[Problem]:
        from gitmigrate.kinds.api.options import DEPRECATE, options_of
        from gitmigrate.kinds.api.record import FINDINGS_FILE, output_copies

        try:
            options = options_of(step.options, f"{step.path}/step.toml [options]")
        except UsageError as exc:
            return [Problem(f"step {step.id}: {exc.message}", exc.hint or "")]
        if FINDINGS_FILE not in step.files:
            return [Problem(f"step {step.id}: {FINDINGS_FILE} is missing",
                            f"restore {step.path}/{FINDINGS_FILE} from the step's commit")]  # fmt: skip
        copies = output_copies(step)
        missing = [p for p in options.outputs if p not in copies]
        if options.command != DEPRECATE and missing:
            return [Problem(f"step {step.id}: no copy of {missing[0]} in outputs/",
                            f"restore {step.path}/outputs/ from the step's commit")]  # fmt: skip
        return []

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # an api step runs no SQL

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        from gitmigrate.kinds.api.coverage import step_status
        from gitmigrate.kinds.api.options import options_of
        from gitmigrate.kinds.api.record import recorded

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        record = recorded(step)
        impact = self.analyze(step, dialect or "tree")
        return {
            "impact": {
                "objects": list(impact.objects),
                "destructive": impact.destructive,
                "reasons": list(impact.reasons),
            },
            "api": {
                "command": options.command,
                "base": record.base,
                "revision": record.revision,
                "breaking": [
                    {"change": c.key, "text": c.text, "status": step_status(step, c)}
                    for c in record.breaking
                ],
                "counts": {
                    lv: sum(1 for c in record.changes if c.level == lv)
                    for lv in ("error", "warning", "info")
                },  # fmt: skip
                "waive": [w.text() for w in options.waive],
                "reason": options.reason,
                "outputs": list(options.outputs),
            },
        }

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work((f"API {str(step.options.get('command', '')).upper()}".strip(),), None)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []  # breaking changes block a push (coverage.py), never an apply

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.api.coverage import step_status
        from gitmigrate.kinds.api.options import options_of
        from gitmigrate.kinds.api.record import recorded

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        open_ = [c for c in recorded(step).breaking if step_status(step, c) in ("open", "manual")]
        reasons = tuple(f"breaking API change {c.key}: {c.text}" for c in open_[:20])
        return Impact(objects=tuple(options.outputs), reasons=reasons, statements=1)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.api.options import options_of

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        return Impact(objects=tuple(options.outputs), statements=1)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.api.describe import describe_api

        return describe_api(step, dialect, note)

    def push_problems(self, steps: Sequence[Step], root: Path) -> list[tuple[str, str, str]]:
        """(step id, message, fix) for each breaking change of one migration's `steps` that has
        neither an adapter nor a waiver, when the project at `root` (a Path) sets
        `[api] require_adapter = true`; [] otherwise. What the pre-push hook should ask."""
        from gitmigrate.kinds.api.coverage import uncovered
        from gitmigrate.openapi.settings import api_settings

        if not api_settings(root).require_adapter:
            return []
        return [(u.step, u.message(), u.fix()) for u in uncovered(steps)]


_CONTRACT: type[Kind] = ApiKind  # mypy checks that the class satisfies the protocol
