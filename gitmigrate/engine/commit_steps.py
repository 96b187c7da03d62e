"""How plan, review and the artifacts describe a tree step whose commit is its change (code,
api): one operation forward and back, the engine's inverse commit as the rollback, and
`migration-scripts/` that need only git (`git apply` of the step commit's diff)."""

from __future__ import annotations

from typing import Any

from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.engine.description import TREE, Description, Operation, Script, Scripts, script_head

ROLLBACK = "the inverse of the step commit's diff (the engine commits it)"


def commit_description(
    step: Step, operation: str, objects: tuple[str, ...], *, what: str, verify: str,
    restore_check: str, **fields: Any,
) -> Description:  # fmt: skip
    """A Description of such a step; `fields` are the kind's own (details, strategy, risks)."""
    return Description(
        kind=step.kind,
        what=what,
        runs_in=TREE,
        forward=(Operation(1, operation, objects, False, None, "none"),),
        backward=(Operation(1, operation, objects, False, None, "none"),),
        rollback=ROLLBACK,
        undo="by the engine (inverse commit)",
        undo_detail=ROLLBACK + "; a conflict with later edits is reported, never resolved",
        loss="none: the rollback restores every byte",
        restore_check=restore_check,
        verify=verify,
        verify_expected=False,
        validation=f"verify checks that {verify}",
        show_options=True,
        render=lambda: commit_scripts(step),
        **fields,
    )


def commit_scripts(step: Step) -> Scripts:
    """`up.sh` / `down.sh`: `git apply` of the step commit's diff (outside migrations/) and its
    reverse, or the tool when the commit is not known."""
    if not step.commit:
        up = (
            script_head(step, "apply", "#")
            + "set -eu\n"
            + (f"git migrate apply --migration {step.migration} --to {step.seq:03d}\n")
        )
        down = script_head(step, "rollback", "#") + "set -eu\n" + (
            f"git migrate rollback --migration {step.migration} --to {step.seq - 1:03d}\n"
            if step.seq > 1 else f"git migrate rollback --migration {step.migration} --all\n"
        )  # fmt: skip
    else:
        diff = f"git diff --binary {step.commit}^ {step.commit} -- . ':(exclude){MIGRATIONS_DIR}'"
        up = script_head(step, "apply: the step commit's change (run at the repository root)", "#")
        up += f"set -eu\n{diff} | git apply --index\n"
        down = script_head(step, "rollback: the inverse of the step commit's change", "#")
        down += f"set -eu\n{diff} | git apply --index -R\n"
    files = (
        Script("up", "up.sh", "#!/bin/sh\n" + up),
        Script("down", "down.sh", "#!/bin/sh\n" + down),
    )
    return Scripts(files, runnable=False, statements=1)
