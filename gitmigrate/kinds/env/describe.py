"""An env step in words for plan, review and the artifacts: which environment it gates on and
with which checks; it changes nothing, so its rollback is nothing, and run.sh hands it to
`git migrate` (the checks are the tool's, not a script's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import (
    DATABASE,
    Description,
    Operation,
    Script,
    Scripts,
    script_head,
)
from gitmigrate.kinds.env.options import EnvOptions, options_of

OPERATION = "ENV HEALTH"


def what(options: EnvOptions) -> str:
    return (f"checks the health of environment {options.environment}"
            f" ({', '.join(options.checks)}; {options.timeout:g}s per check)")  # fmt: skip


def describe_env(step: Step, dialect: str | None, note: Mapping[str, Any]) -> Description:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    objects = (f"environment {options.environment}",)
    operation = Operation(1, OPERATION, objects, False, None, "none")
    return Description(
        kind=step.kind,
        what=what(options),
        runs_in=DATABASE,
        forward=(operation,),
        backward=(),
        rollback="nothing to undo: a health gate changes nothing",
        undo="nothing (a health gate)",
        undo_detail="nothing: the step changes nothing",
        loss="none: the step changes nothing",
        restore_check="nothing to restore",
        verify=f"the health checks of {options.environment} pass again",
        verify_expected=False,
        validation=f"the step fails unless {options.environment} is healthy: {', '.join(options.checks)}",
        details_title="Health gate:",
        details=(
            ("environment", options.environment),
            ("checks", ", ".join(options.checks)),
            ("timeout", f"{options.timeout:g}s per check"),
        ),  # fmt: skip
        show_options=True,
        render=lambda: _scripts(step, options),
    )


def _scripts(step: Step, options: EnvOptions) -> Scripts:
    """run.sh cannot check health itself: the script runs the command that does."""
    up = (
        "#!/bin/sh\n" + script_head(step, "health gate", "#") + "set -eu\n"
        f"git migrate env health {options.environment} --timeout {options.timeout:g}"
        f" --check {','.join(options.checks)}\n"
    )
    return Scripts((Script("up", "up.sh", up),), runnable=False, statements=1)
