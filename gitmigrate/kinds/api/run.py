"""Running an api step. In the repository the step commit is the change: apply only verifies
(the engine calls verify), rollback is the engine's inverse commit. In an outside tree (a
deployed docs or spec directory) apply writes the step's files there, keeping their prior
bytes (engine/tree_backups.py): a guide's or an adapter's files from the copies the step keeps,
a deprecation by marking the tree's own spec again; rollback restores the prior bytes,
refusing to overwrite a file changed since.

verify checks that each file holds what the step wrote (a later commit that changed it again
makes that a warning), and for a deprecation that the spec still marks the target.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext
from gitmigrate.engine.tree_backups import (
    Backup,
    digest,
    rollback_tree_step,
    write_change,
)
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import StepFailedError, UsageError
from gitmigrate.kinds.api.options import DEPRECATE, ApiOptions, options_of
from gitmigrate.kinds.api.record import output_copies, recorded


def tree_of(ctx: StepContext) -> TreeTarget:
    if not isinstance(ctx.target, TreeTarget):
        raise UsageError(
            "an api step runs against a tree target (the repository or a directory)",
            "give a tree target (path = ...) or none: the repository is the default",
        )
    return ctx.target


def _deprecated(step: Step, options: ApiOptions, before: bytes) -> bytes:
    from gitmigrate.files.document import decode
    from gitmigrate.openapi.deprecate import Target, deprecate_text

    assert options.spec and options.operation and options.sunset
    try:
        made = deprecate_text(decode(before, options.spec), options.spec,
                              Target(options.operation, options.property), options.sunset,
                              options.link)  # fmt: skip
    except UsageError as exc:
        raise StepFailedError(step.id, f"step {step.id}: {exc.message}", exc.hint) from exc
    return made.text.encode("utf-8")


def _after(step: Step, options: ApiOptions, prior: dict[str, bytes | None]) -> dict[str, bytes]:
    if options.command == DEPRECATE:
        assert options.spec
        before = prior.get(options.spec)
        if before is None:
            raise StepFailedError(step.id, f"{options.spec} is not in the tree",
                                  "deploy the spec there first, or apply to another tree")  # fmt: skip
        return {options.spec: _deprecated(step, options, before)}
    copies = output_copies(step)
    missing = [p for p in options.outputs if p not in copies]
    if missing:
        raise StepFailedError(step.id, f"step {step.id} keeps no copy of {missing[0]}",
                              f"restore {step.path}/outputs/ from the step's commit")  # fmt: skip
    return {p: copies[p] for p in options.outputs}


def apply_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    target = tree_of(ctx)
    if target.repository:  # the step commit is the change
        yield Checkpoint(1, 1, {})
        return
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    backup = Backup(target.root, step)
    prior = {p: backup.before(p) for p in options.outputs}
    after = _after(step, options, prior)
    for path in sorted(after):
        ctx.log(f"{target.name}: write {path}")
    if ctx.dry_run:
        yield Checkpoint(1, 1, {"files": sorted(after)})
        return
    write_change(target.root, backup, prior, after)
    yield Checkpoint(1, 1, {"files": sorted(after)})


def rollback_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    yield from rollback_tree_step(step, ctx, tree_of(ctx))


def verify_step(step: Step, ctx: StepContext) -> list[Finding]:
    """Each file holds what the step wrote; a deprecation's target is still marked."""
    target = tree_of(ctx)
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    record = recorded(step)
    findings: list[Finding] = []
    for path in options.outputs:
        file = target.root / path
        if not file.is_file():
            findings.append(Finding("error", "api", f"{path} is missing"))
            continue
        data = file.read_bytes()
        if record.outputs.get(path) in (None, digest(data)):
            continue
        if options.command == DEPRECATE and _still_marked(options, data, record.deprecated):
            continue  # the spec changed since, and the deprecation is still there
        severity = (
            "warning" if target.repository and superseded(target.root, step, path) else "error"
        )
        findings.append(Finding(severity, "api", f"{path} does not hold the step's change"))
    return findings


def _still_marked(options: ApiOptions, data: bytes, deprecated: dict[str, str]) -> bool:
    from gitmigrate.files.document import decode, loads
    from gitmigrate.files.formats import format_of
    from gitmigrate.files.keypath import parse_key

    assert options.spec
    try:
        doc = loads(decode(data, options.spec), format_of(options.spec, None), options.spec)
        where = parse_key(deprecated["where"])
    except (UsageError, KeyError):
        return False
    return doc.get((*where, "deprecated")) is True


def superseded(root: Path, step: Step, path: str) -> bool:
    """Whether a later commit changed `path` again (a rollback of this step does not count)."""
    if not step.commit:
        return False
    from gitmigrate.core.gitstore import GitRepo

    log = GitRepo(root).run(
        "log", "--format=%B%x00", f"{step.commit}..HEAD", "--", path, check=False
    )
    return bool(log.strip()) and f"Migrate-Rollback: {step.id}\n" not in log
