"""`git migrate code add RECIPE [PATHS]`: run a recipe on the checked-out files and commit the
result as one step on the migration branch (`--print` shows the diff instead). With
`--verify-cmd` the command runs on the result in a separate worktree first: when it fails the
step is not committed and its output is shown."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.code_scan import absolute, recipe_ref
from gitmigrate.cli.context import repo_from


@click.command("add")
@click.argument("recipe")
@click.argument("paths", nargs=-1)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="ID",
    help="Run only these rules (repeatable; opt-in rules run only when named).",
)
@click.option("--python", metavar="3.N", help="The target Python version (modern-python).")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@click.option(
    "--verify-cmd",
    "verify_command",
    metavar="CMD",
    help='A command that must pass on the result (e.g. "pytest -q"), run in a'
    " separate worktree; recorded in the step.",
)
@click.option(
    "--verify-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Stop the verify command after S seconds (default 600).",
)
@click.option("--print", "print_only", is_flag=True, help="Show the diff instead of committing.")
@click.option("-m", "--message", "summary", required=True, help="What the step does.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@click.pass_context
def code_add_command(
    ctx: click.Context, recipe: str, paths: tuple[str, ...], rules: tuple[str, ...],
    python: str | None, jobs: int | None, verify_command: str | None,
    verify_timeout: float | None, print_only: bool, summary: str, as_json: bool,
) -> None:  # fmt: skip
    """Run RECIPE (a name, or path/to/recipe.py) on PATHS (default: the whole tree) and commit
    the change as one step; the note records files changed, rewrites per rule and the cases
    flagged for manual review."""
    try:
        result = api.author_code_step(
            repo_from(ctx), recipe_ref(ctx, recipe), [absolute(ctx, p) for p in paths],
            summary=summary, rules=rules, python=python, jobs=jobs,
            verify_command=verify_command, verify_timeout=verify_timeout, print_only=print_only,
        )  # fmt: skip
    except api.VerifyCommandFailed as exc:
        output.err().print(exc.output.rstrip("\n"), markup=False, highlight=False)
        raise
    if as_json:
        output.print_json(result.to_json())
        return
    for warning in result.warnings:
        output.warn(warning)
    for path, why in result.skipped:
        output.warn(f"skipped {path}: {why}")
    if result.step is not None:
        step = result.step
        output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
        options = step.options
        if options.get("verify_command"):
            output.info(f"verify `{options['verify_command']}`: {options.get('verify_outcome')}")
    else:
        preview = result.preview
        assert preview is not None
        output.info(f"would add a code step: {preview.summary} (nothing committed)")
        if preview.verify is not None:
            output.info(f"verify `{preview.verify.command}`: {preview.verify.words()}")
        output.write(preview.diff)
    for finding in result.flagged:
        output.info(f"review {finding.where()} {finding.rule}: {finding.message}")
