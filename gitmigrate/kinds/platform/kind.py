"""The platform kind: generated infrastructure files as steps, Compose to Kubernetes manifests
(`op = "compose-to-k8s"`) and Terraform rewritten across providers (`op = "terraform"`); the
converters live in gitmigrate/platform/. A tree kind (DESIGN.md, "Two sorts of target"):

- the repository (the default): the step commit is the change (the generated files); apply
  verifies it (re-validates the manifests / re-checks the HCL), rollback is the engine's
  inverse commit;
- an outside tree: apply writes the step's files there from its copies, keeping their prior
  bytes for rollback (engine/tree_backups.py).

Data and state never move with a platform step: the plan names the data/env steps that do.
The parts: options.py, record.py (findings.json), converters.py (the seam to gitmigrate/platform),
authoring.py, run.py, describe.py. This module imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import Description
from gitmigrate.engine.kinds import (
    AuthorRequest,
    Checkpoint,
    Compensator,
    Finding,
    Impact,
    Kind,
    Problem,
    PushChecker,
    RowCounts,
    StepContext,
    StepFiles,
    TargetSort,
    Work,
)
from gitmigrate.errors import UsageError


class PlatformKind:
    name = "platform"
    target_sort: TargetSort = "tree"
    chunked = False
    compensator: Compensator | None = None  # a failed apply is undone by rollback (backups)
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        from gitmigrate.kinds.platform.authoring import author_platform

        return author_platform(request)

    def check(self, step: Step) -> list[Problem]:
        from gitmigrate.kinds.platform.options import options_of
        from gitmigrate.kinds.platform.record import FINDINGS_FILE, output_copies

        try:
            options = options_of(step.options, f"{step.path}/step.toml [options]")
        except UsageError as exc:
            return [Problem(f"step {step.id}: {exc.message}", exc.hint or "")]
        if FINDINGS_FILE not in step.files:
            return [Problem(f"step {step.id}: {FINDINGS_FILE} is missing",
                            f"restore {step.path}/{FINDINGS_FILE} from the step's commit")]  # fmt: skip
        copies = output_copies(step)
        missing = [p for p in options.outputs if p not in copies]
        if missing:
            return [Problem(f"step {step.id}: no copy of {missing[0]} in outputs/",
                            f"restore {step.path}/outputs/ from the step's commit")]  # fmt: skip
        return []

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # a platform step runs no SQL

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        from gitmigrate.kinds.platform.options import options_of
        from gitmigrate.kinds.platform.record import recorded

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        record = recorded(step)
        impact = self.analyze(step, dialect or "tree")
        return {
            "impact": {
                "objects": list(impact.objects),
                "destructive": impact.destructive,
                "reasons": list(impact.reasons),
            },
            "platform": {
                "op": options.op,
                "outputs": list(options.outputs),
                "resources": list(record.resources),
                "converted": list(record.converted),
                "dropped": [d.text() for d in record.dropped],
                "notes": list(record.notes),
                "needs_person": list(record.needs_person),
            },
        }

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work((f"PLATFORM {str(step.options.get('op', '')).upper()}".strip(),), None)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.platform.options import options_of
        from gitmigrate.kinds.platform.record import recorded

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        record = recorded(step)
        reasons = tuple(f"needs a person: {n}" for n in record.needs_person[:20]) + tuple(
            f"dropped {d.text()}" for d in record.dropped[:20]
        )
        return Impact(objects=tuple(options.outputs), reasons=reasons, statements=1)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.platform.options import options_of

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        return Impact(objects=tuple(options.outputs), statements=1)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.platform.describe import describe_platform

        return describe_platform(step, dialect, note)

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        from gitmigrate.kinds.platform.run import apply_step

        yield from apply_step(step, ctx)

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        from gitmigrate.kinds.platform.run import rollback_step

        yield from rollback_step(step, ctx)

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        from gitmigrate.kinds.platform.run import verify_step

        return verify_step(step, ctx)


_CONTRACT: type[Kind] = PlatformKind  # mypy checks that the class satisfies the protocol
