"""The config kind: structured, byte-preserving edits of YAML, JSON, TOML, INI and .env files
(set, unset, rename, move), conversions, environment merges and SOPS-compatible encryption, each
a step. A tree kind (DESIGN.md, "Two sorts of target"):

- the repository (the default): the step commit is the change; apply verifies it (and the
  step's schema), rollback is the engine's inverse commit;
- an outside tree (`target = "NAME"` under [options], a `path` target of .gitmigrate.toml):
  apply runs the operation on the files there, keeping their prior bytes for rollback.

The parts: options.py (the [options] table), transform.py (each operation as a pure function
of the files), authoring.py, run.py (apply/rollback/verify), check.py (what verify expects),
changes.py (the key-level diff), describe.py (plan, review, scripts), validation.py (schema).
This module imports nothing heavy: read-only commands load it to check every step.
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


class ConfigKind(RunsFromModule):
    run_module = "gitmigrate.kinds.config.run"  # apply_step, rollback_step, verify_step
    name = "config"
    target_sort: TargetSort = "tree"
    chunked = False
    compensator: Compensator | None = None  # a failed apply is undone by rollback (backups)
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        from gitmigrate.kinds.config.authoring import author_config

        return author_config(request)

    def check(self, step: Step) -> list[Problem]:
        from gitmigrate.kinds.config.options import options_of

        try:
            options_of(step.options, f"{step.path}/step.toml [options]")
        except UsageError as exc:
            return [Problem(f"step {step.id}: {exc.message}", exc.hint or "")]
        return []

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # a config step runs no SQL

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        from gitmigrate.kinds.config.changes import recorded

        impact = self.analyze(step, dialect or "tree")
        changes, losses = recorded(step)
        return {
            "impact": {
                "objects": list(impact.objects),
                "destructive": impact.destructive,
                "reasons": list(impact.reasons),
            },
            "config": {
                "changes": [c.line() for c in changes],
                "losses": [f"{x.file}: {x.key}: {x.reason}" for x in losses],
            },
        }

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work((f"CONFIG {str(step.options.get('op', '')).upper()}".strip(),), None)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.config.changes import recorded
        from gitmigrate.kinds.config.options import options_of

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        changes, losses = recorded(step)
        dropped = [x for x in losses if not x.layout]
        reasons = tuple(f"lossy: {x.file}: {x.key}: {x.reason}" for x in dropped)
        return Impact(
            objects=tuple(sorted(set(options.outputs))),
            destructive=bool(dropped),
            reasons=reasons or tuple(c.line() for c in changes[:20]),
            statements=1,
        )

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.config.options import options_of

        options = options_of(step.options, f"{step.path}/step.toml [options]")
        return Impact(objects=tuple(sorted(set(options.outputs))), statements=1)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.config.describe import describe_config

        return describe_config(step, dialect, note)


_CONTRACT: type[Kind] = ConfigKind  # mypy checks that the class satisfies the protocol
