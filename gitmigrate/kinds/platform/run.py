"""Running a platform step. In the repository the step commit is the change: apply only
verifies (the engine calls verify), rollback is the engine's inverse commit. In an outside tree
(a deployment repository's checkout) apply writes the step's generated files there from the
copies it keeps, keeping their prior bytes (engine/tree_backups.py); rollback restores them,
refusing to overwrite a file changed since.

verify checks that each file holds what the step wrote (a later commit that changed it again
makes that a warning), then re-validates what is there: Kubernetes manifests with
kubernetes-validate (offline), Terraform by parsing it and checking every resource type and
argument against the target provider's schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext
from gitmigrate.engine.tree_backups import Backup, digest, rollback_tree_step, write_change
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import GitMigrateError, StepFailedError, UsageError
from gitmigrate.kinds.platform import converters
from gitmigrate.kinds.platform.options import COMPOSE, PlatformOptions, options_of
from gitmigrate.kinds.platform.record import output_copies, recorded


def tree_of(ctx: StepContext) -> TreeTarget:
    if not isinstance(ctx.target, TreeTarget):
        raise UsageError(
            "a platform step runs against a tree target (the repository or a directory)",
            "give a tree target (path = ...) or none: the repository is the default",
        )
    return ctx.target


def _options(step: Step) -> PlatformOptions:
    return options_of(step.options, f"{step.path}/step.toml [options]")


def apply_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    target = tree_of(ctx)
    if target.repository:  # the step commit is the change
        yield Checkpoint(1, 1, {})
        return
    options = _options(step)
    copies = output_copies(step)
    missing = [p for p in options.outputs if p not in copies]
    if missing:
        raise StepFailedError(step.id, f"step {step.id} keeps no copy of {missing[0]}",
                              f"restore {step.path}/outputs/ from the step's commit")  # fmt: skip
    backup = Backup(target.root, step)
    prior = {p: backup.before(p) for p in options.outputs}
    after: dict[str, bytes | None] = {p: copies[p] for p in options.outputs}
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
    """Each file holds what the step wrote, and what is there still validates."""
    target = tree_of(ctx)
    options = _options(step)
    record = recorded(step)
    findings: list[Finding] = []
    present: dict[str, bytes] = {}
    for path in options.outputs:
        file = target.root / path
        if not file.is_file():
            findings.append(Finding("error", "platform", f"{path} is missing"))
            continue
        data = present[path] = file.read_bytes()
        if record.outputs.get(path) in (None, digest(data)):
            continue
        later = target.repository and superseded(target.root, step, path)
        findings.append(Finding("warning" if later else "error", "platform",
                                f"{path} does not hold the step's change"))  # fmt: skip
    try:
        problems = (
            converters.manifest_problems(present)
            if options.op == COMPOSE
            else converters.terraform_problems(present, options.target)
        )
    except GitMigrateError as exc:
        return [*findings, Finding("error", "platform-validate", exc.message, hint=exc.hint or "")]
    rule = "platform-k8s" if options.op == COMPOSE else "platform-terraform"
    findings += [Finding("error", rule, f"does not validate: {p}") for p in problems]
    return findings


def superseded(root: Path, step: Step, path: str) -> bool:
    """Whether a later commit changed `path` again (a rollback of this step does not count)."""
    if not step.commit:
        return False
    from gitmigrate.core.gitstore import GitRepo

    log = GitRepo(root).run(
        "log", "--format=%B%x00", f"{step.commit}..HEAD", "--", path, check=False
    )
    return bool(log.strip()) and f"Migrate-Rollback: {step.id}\n" not in log
