"""`git migrate schema lint [STEP ...] [--file F] [--dialect D] [--allow RULE] [--json]`."""

from __future__ import annotations

from pathlib import Path

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_BLOCKED


@click.command("lint")
@click.argument("steps", nargs=-1, metavar="[STEP]...")
@click.option("--dialect", "-d", help="sqlite, postgresql or mysql (default: the project's).")
@click.option("--file", "-f", "files", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Lint this SQL file instead of steps (repeatable).")  # fmt: skip
@click.option("--allow", multiple=True, metavar="RULE", help="Report RULE but do not block.")
@click.option("--include", multiple=True, metavar="RULE", help="Turn on an opt-in rule.")
@click.option("--exclude", multiple=True, metavar="RULE", help="Turn a rule off.")
@click.option("--pg-version", type=int, default=15, show_default=True, help="Target PostgreSQL.")
@click.option("--no-transaction", is_flag=True, help="--file runs outside a transaction.")
@click.option("--target", "-t", help="Judge tables its statistics count no row in as empty.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable findings.")
@click.pass_context
def schema_lint_command(
    ctx: click.Context,
    steps: tuple[str, ...],
    dialect: str | None,
    files: tuple[Path, ...],
    allow: tuple[str, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    pg_version: int,
    no_transaction: bool,
    target: str | None,
    as_json: bool,
) -> None:
    """Lint SQL steps (default: the current migration's) for locking and breaking changes.

    Exit 3 when an error finding is not allowed with --allow.
    """
    result = api.schema_lint(
        repo_from(ctx), steps=steps, files=files, dialect=dialect, allow=allow, include=include,
        exclude=exclude, pg_version=pg_version, transaction=not no_transaction, target=target,
    )  # fmt: skip
    _render(result, as_json)
    if result.blocking:
        ctx.exit(EXIT_BLOCKED)


def _render(result: api.LintResult, as_json: bool) -> None:
    if as_json:
        output.print_json(result.to_json())
        return
    report, findings = result.report, result.findings
    for name, found in report.files:
        for f in found:
            allowed = " (allowed)" if f.allowed else ""
            output.info(
                f"{name}:{f.line}:{f.column}: {f.severity}{allowed} [{f.rule}] {f.statement}"
            )
            output.info(f"    {f.message}")
            output.info(f"    fix: {f.fix}")
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    blocking = result.blocking
    output.info(
        f"lint ({report.dialect}): {len(report.files)} file(s), {errors} error(s), "
        f"{warnings} warning(s), {blocking} blocking"
    )
