"""Running a config step. In the repository the step commit is the change, so there is nothing
to apply (the engine only verifies) and the engine commits the inverse for a rollback. In an
outside tree: apply computes the change from the tree's files (transform.py), validates it
against the step's schema before writing anything, keeps the prior bytes (backups.py), then
writes each file atomically; rollback writes the prior bytes back, refusing to overwrite a file
changed since; verify checks that the step's change is there and valid.

The work is idempotent, as the engine's tree runs need (a crash may repeat it): a repeated
apply reads the backed-up inputs, so it computes the same files again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext
from gitmigrate.engine.tree_backups import (
    Backup,
    rollback_tree_step,
    write_change,
)
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import StepFailedError, UsageError
from gitmigrate.kinds.config.changes import from_files
from gitmigrate.kinds.config.check import expected_state
from gitmigrate.kinds.config.options import ConfigOptions, options_of
from gitmigrate.kinds.config.transform import Reader, outcome
from gitmigrate.kinds.config.validation import judged, schema_of


def tree_of(ctx: StepContext) -> TreeTarget:
    if not isinstance(ctx.target, TreeTarget):
        raise UsageError(
            "a config step runs against a tree target (the repository or a directory)",
            "give a tree target (path = ...) or none: the repository is the default",
        )
    return ctx.target


def reader(root: Path) -> Reader:
    def read(path: str) -> bytes | None:
        file = root / path
        return file.read_bytes() if file.is_file() else None

    return read


def apply_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    target = tree_of(ctx)
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    if target.repository:  # the step commit is the change: nothing to write
        yield Checkpoint(1, 1, {})
        return
    backup = Backup(target.root, step)
    current = reader(target.root)
    read = backup.before  # the tree as it was before the step
    changed = _computed(step, options, read)
    for path, content in sorted(changed.items()):
        ctx.log(f"{target.name}: {'delete' if content is None else 'write'} {path}")
    for change in from_files(read, changed, options):  # the key-level diff (secrets hidden)
        ctx.log(f"{target.name}: {change.line()}")
    if ctx.dry_run:
        yield Checkpoint(1, 1, {"files": sorted(changed)})
        return
    prior = {path: current(path) for path in changed} if not backup.exists() else {}
    write_change(target.root, backup, prior, changed)
    yield Checkpoint(1, 1, {"files": sorted(changed)})


def _computed(step: Step, options: ConfigOptions, read: Reader) -> dict[str, bytes | None]:
    """The files the step writes, validated first: an invalid result fails the step before
    anything is written."""
    try:
        changed = outcome(read, options).files
    except UsageError as exc:
        raise StepFailedError(step.id, f"step {step.id}: {exc.message}", exc.hint) from exc
    schema = schema_of(step)
    if schema is not None:
        after = _overlay(read, changed)
        found = judged(schema, after, changed, options.layers)
        if found:
            raise StepFailedError(
                step.id,
                f"step {step.id} would make the config invalid: {found[0]}"
                + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
                "nothing was written; fix the step or the schema",
            )
    return changed


def _overlay(read: Reader, changed: dict[str, bytes | None]) -> Reader:
    def after(path: str) -> bytes | None:
        return changed[path] if path in changed else read(path)

    return after


def rollback_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    yield from rollback_tree_step(step, ctx, tree_of(ctx))


def verify_step(step: Step, ctx: StepContext) -> list[Finding]:
    """The step's change is in the tree's files, and they satisfy the step's schema."""
    target = tree_of(ctx)
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    read = reader(target.root)
    severity = "error"
    if target.repository and superseded(target.root, step, options.outputs):
        severity = "warning"  # a later commit changed the files again: not this step's fault
    findings = [Finding(severity, "config", message) for message in expected_state(read, options)]
    schema = schema_of(step)
    if schema is not None and not any(f.severity == "error" for f in findings):
        findings += [
            Finding("error", "config-schema", message)
            for message in judged(schema, read, options.outputs, options.layers)
        ]
    return findings


def superseded(root: Path, step: Step, files: tuple[str, ...]) -> bool:
    """In the repository: whether a later commit (a later step, a plain edit) changed the
    step's files again, so they need not hold its result any more. A rollback commit of this
    step does not count: after it the change is truly gone, and verify must say so."""
    if not step.commit:
        return False
    from gitmigrate.core.gitstore import GitRepo

    repo = GitRepo(root)
    log = repo.run("log", "--format=%B%x00", f"{step.commit}..HEAD", "--", *files, check=False)
    if not log.strip() or f"Migrate-Rollback: {step.id}\n" in log:
        return False
    return True
