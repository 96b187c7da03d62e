"""Running a code step. In the repository the step commit is the change: apply only verifies
(the engine calls verify), rollback is the engine's inverse commit (a conflict with later edits
is reported by it, never resolved). In an outside tree apply runs the step's recipe on the
tree's files, keeping their prior bytes (backups.py); rollback restores them, refusing to
overwrite a file changed since.

verify checks that the changed files still parse and, only when the run's caller allows it
(policy.py), runs the step's recorded verify command where the files are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gitmigrate.codemods.runner import run_recipe
from gitmigrate.codemods.syntax import parse_problem
from gitmigrate.codemods.verify import DEFAULT_TIMEOUT, run_command
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext
from gitmigrate.engine.tree_backups import (
    Backup,
    digest,
    rollback_tree_step,
    write_change,
)
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import UsageError
from gitmigrate.kinds.code.options import RECIPE_FILE, STEP, CodeOptions, options_of
from gitmigrate.kinds.code.policy import current
from gitmigrate.kinds.code.record import recorded

LOGGED_OUTPUT_LINES = 20


def tree_of(ctx: StepContext) -> TreeTarget:
    if not isinstance(ctx.target, TreeTarget):
        raise UsageError(
            "a code step runs against a tree target (the repository or a directory)",
            "give a tree target (path = ...) or none: the repository is the default",
        )
    return ctx.target


@contextmanager
def recipe_ref(step: Step, options: CodeOptions) -> Iterator[str]:
    """What the runner loads: the recipe's name, or a copy of the step's own recipe.py."""
    if options.source != STEP:
        yield options.recipe
        return
    with tempfile.TemporaryDirectory(prefix="gitmigrate-recipe-") as scratch:
        path = Path(scratch) / RECIPE_FILE
        path.write_bytes(step.files[RECIPE_FILE])
        yield str(path)


def apply_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    target = tree_of(ctx)
    if target.repository:  # the step commit is the change
        yield Checkpoint(1, 1, {})
        return
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    backup = Backup(target.root, step)
    if backup.exists() and not ctx.dry_run:  # a repeated apply starts from the prior files
        for path in sorted(backup.manifest()):
            backup.restore(path)
    with recipe_ref(step, options) as ref:
        run = run_recipe(
            target.root, ref, options.paths, options=options.recipe_options,
            enabled=options.enabled,
        )  # fmt: skip
    for path in sorted(run.changed):
        ctx.log(f"{target.name}: rewrite {path}")
    for path, why in run.skipped:
        ctx.log(f"{target.name}: skipped {path}: {why}")
    if ctx.dry_run:
        yield Checkpoint(1, 1, {"files": sorted(run.changed)})
        return
    after = {path: text.encode("utf-8") for path, text in run.changed.items()}
    prior = {path: (target.root / path).read_bytes() for path in after}
    write_change(target.root, backup, prior, after)
    yield Checkpoint(1, 1, {"files": sorted(after)})


def rollback_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    yield from rollback_tree_step(step, ctx, tree_of(ctx))


def verify_step(step: Step, ctx: StepContext) -> list[Finding]:
    """The changed files parse; then the recorded verify command, when the caller allows it."""
    target = tree_of(ctx)
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    backup = Backup(target.root, step)
    record = recorded(step)
    files = sorted(backup.manifest()) if backup.exists() else sorted(record.changed)
    findings: list[Finding] = []
    for path in files:
        file = target.root / path
        if not file.is_file():
            continue  # deleted by a later commit: not this step's concern
        data = file.read_bytes()
        problem = parse_problem(path, data.decode("utf-8", "replace"))
        if problem is not None:
            findings.append(Finding("error", "code-parse", f"does not parse: {problem}"))
        elif target.repository and record.digests.get(path) not in (None, digest(data)):
            severity = "warning" if superseded(target.root, step, path) else "error"
            findings.append(Finding(severity, "code", f"{path} does not hold the step's change"))
    if options.verify_command and not any(f.severity == "error" for f in findings):
        findings.append(_verify_command(step, ctx, target, options.verify_command, options))
    return findings


def superseded(root: Path, step: Step, path: str) -> bool:
    """Whether a later commit (a later step, a plain edit) changed `path` again; a rollback
    commit of this step does not count (after it the change is truly gone)."""
    if not step.commit:
        return False
    from gitmigrate.core.gitstore import GitRepo

    log = GitRepo(root).run(
        "log", "--format=%B%x00", f"{step.commit}..HEAD", "--", path, check=False
    )
    return bool(log.strip()) and f"Migrate-Rollback: {step.id}\n" not in log


def _verify_command(
    step: Step, ctx: StepContext, target: TreeTarget, command: str, options: CodeOptions
) -> Finding:
    if ctx.dry_run:
        return Finding("info", "code-verify", f"verify command `{command}` not run (dry run)")
    question = (
        f"step {step.id} records the verify command `{command}`; run it in {target.root}?"
        " (only if you trust the branch it came from)"
    )
    if not current().allows(question):
        return Finding(
            "info",
            "code-verify",
            f"verify command `{command}` not run: pass --run-verify to run it",
        )
    outcome = run_command(command, target.root, options.verify_timeout or DEFAULT_TIMEOUT)
    for line in outcome.output.splitlines()[-LOGGED_OUTPUT_LINES:]:
        ctx.log(f"verify: {line}")
    if outcome.passed:
        return Finding("info", "code-verify", f"verify command `{command}` {outcome.words()}")
    tail = next((ln for ln in reversed(outcome.output.splitlines()) if ln.strip()), "")
    return Finding(
        "error",
        "code-verify",
        f"verify command `{command}` {outcome.words()}" + (f": {tail.strip()}" if tail else ""),
        hint="the checked-out code fails the step's verify command: fix it and apply again"
        " (`git migrate status` names how to undo the step instead)",
    )
