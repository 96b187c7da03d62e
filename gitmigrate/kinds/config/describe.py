"""A config step in words for plan, review and the artifacts: the key-level diff (kept in the
step's changes.json) as the plan's details table, and scripts for `migration-scripts/` that need
only git (`git apply` of the step commit's diff, for the repository) or the tool (an outside
tree)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.engine.description import TREE, Description, Operation, Script, Scripts, script_head
from gitmigrate.kinds.config.changes import recorded
from gitmigrate.kinds.config.options import ConfigOptions, options_of

_VERBS = {
    "set": "sets {key} in {file} to {value}",
    "unset": "removes {key} from {file}",
    "rename": "renames {key} in {file} to {new_key}",
    "move": "moves {key} in {file} to {new_key}",
    "convert": "converts {file} to {to} ({out})",
    "merge": "merges {sources} into {out}",
    "encrypt": "encrypts the values of {file}",
    "rotate": "re-encrypts {file} with a new data key",
    "update-keys": "re-wraps the data key of {file} for new recipients",
}


def what(options: ConfigOptions) -> str:
    from gitmigrate.kinds.config.changes import HIDDEN, is_secret_key
    from gitmigrate.kinds.config.transform import as_display

    value = as_display(options.value)
    if options.key and is_secret_key(options.key):
        value = HIDDEN
    text = _VERBS[options.op].format(
        key=options.key,
        file=options.file,
        value=value,
        new_key=options.new_key,
        to=options.to,
        out=options.converted_path if options.op == "convert" else options.out,
        sources=", ".join(options.sources),
    )
    if options.keys and options.op == "encrypt":
        text += f" under keys matching {options.keys!r}"
    if options.target:
        text += f" (in the tree {options.target})"
    return text


def expectation(options: ConfigOptions) -> str:
    """What verify checks, in words."""
    from gitmigrate.kinds.config.changes import HIDDEN, is_secret_key
    from gitmigrate.kinds.config.transform import as_display

    file, key, new = options.file, options.key, options.new_key
    if options.op == "set":
        value = HIDDEN if is_secret_key(str(key)) else as_display(options.value)
        return f"{file} has {key} = {value}"
    if options.op == "unset":
        return f"{file} has no key {key}"
    if options.op in ("rename", "move"):
        if options.op == "rename" and "." not in str(new) and "." in str(key):
            new = f"{str(key).rsplit('.', 1)[0]}.{new}"
        return f"{file} has {new} and no longer {key}"
    if options.op == "convert":
        return f"{options.converted_path} parses as {options.to}"
    if options.op == "merge":
        return f"{options.out} holds the merge of {', '.join(options.sources)}"
    return f"{file} is encrypted"


def describe_config(step: Step, dialect: str | None, note: Mapping[str, Any]) -> Description:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    changes, losses = recorded(step)
    operation = f"CONFIG {options.op.upper()}"
    dropped = [x for x in losses if not x.layout]
    destructive = bool(dropped)
    reason = f"a lossy conversion drops {len(dropped)} value(s)" if dropped else None
    objects = tuple(sorted({*options.outputs}))
    outside = options.target is not None
    rollback = (
        f"the prior bytes of {', '.join(objects)}, kept in the tree when it was applied"
        if outside
        else "the inverse of the step commit's diff (the engine commits it)"
    )
    verify = expectation(options)
    if "schema.json" in step.files:
        verify += f", and {', '.join(objects)} satisfy the schema {options.schema or 'schema.json'}"
    details = tuple((f"{c.file}: {c.key}", _cell(c.what, c.old, c.new)) for c in changes)
    details += tuple(
        (f"{x.file}: {x.key}", x.reason if x.layout else f"LOST: {x.reason}") for x in losses
    )
    return Description(
        kind=step.kind,
        what=what(options),
        runs_in=TREE,
        forward=(Operation(1, operation, objects, destructive, reason, "none"),),
        backward=(Operation(1, operation, objects, False, None, "none"),),
        rollback=rollback,
        undo="the backed-up files restored" if outside else "by the engine (inverse commit)",
        undo_detail=rollback,
        loss="none: the rollback restores every byte",
        restore_check="verify checks the change; rollback restores the files byte for byte",
        verify=verify,
        verify_expected=False,
        validation=f"verify checks that {verify}",
        details_title="Config changes (key-level diff):",
        details=details or (("(no key-level diff recorded)", what(options)),),
        show_options=True,
        render=lambda: config_scripts(step, options),
    )


def _cell(what: str, old: str | None, new: str | None) -> str:
    if old is not None and new is not None:
        return f"{what}: {old} -> {new}"
    if new is not None:
        return f"{what}: {new}"
    if old is not None:
        return f"{what} (was {old})"
    return what


def config_scripts(step: Step, options: ConfigOptions) -> Scripts:
    """`up.sh` / `down.sh`: for the repository, `git apply` of the step commit's diff (outside
    migrations/) and its reverse; for an outside tree, the tool (it keeps the backups)."""
    if options.target is not None or not step.commit:
        target = f" --target {shlex.quote(options.target)}" if options.target else ""
        up = (
            script_head(step, "apply", "#")
            + "set -eu\n"
            + f"git migrate apply{target} --migration {shlex.quote(step.migration)}"
            + f" --to {step.seq:03d}\n"
        )
        keep = f"--to {step.seq - 1:03d}" if step.seq > 1 else "--all"
        down = (
            script_head(step, "rollback (of this step and every later one)", "#")
            + "set -eu\n"
            + f"git migrate rollback{target} --migration {shlex.quote(step.migration)} {keep}\n"
        )
    else:
        diff = f"git diff --binary {step.commit}^ {step.commit} -- . ':(exclude){MIGRATIONS_DIR}'"
        up = (
            script_head(step, "apply: the step commit's change (run at the repository root)", "#")
            + "set -eu\n"
            + f"{diff} | git apply --index\n"
        )
        down = (
            script_head(step, "rollback: the inverse of the step commit's change", "#")
            + "set -eu\n"
            + f"{diff} | git apply --index -R\n"
        )
    files = (
        Script("up", "up.sh", "#!/bin/sh\n" + up),
        Script("down", "down.sh", "#!/bin/sh\n" + down),
    )
    return Scripts(files, runnable=False, statements=1)
