"""`git migrate schema lint [STEP ...] [--file F] [--dialect D] [--allow RULE] [--json]`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.core.config import config_path
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import EXIT_BLOCKED, GitMigrateError
from gitmigrate.lint.model import LintOptions
from gitmigrate.lint.project import LintReport, file_dialect, lint_files, lint_steps


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
    as_json: bool,
) -> None:
    """Lint SQL steps (default: the current migration's) for locking and breaking changes.

    Exit 3 when an error finding is not allowed with --allow.
    """
    options = LintOptions(pg_version, not no_transaction, frozenset(include),
                          frozenset(exclude), frozenset(allow))  # fmt: skip
    if files:
        report = lint_files(files, file_dialect(_repo_or_none(ctx), dialect), options)
    else:
        report = lint_steps(repo_from(ctx), steps, dialect, options)
    _render(report, as_json)
    if any(f.blocking for f in report.findings):
        sys.exit(EXIT_BLOCKED)


def _repo_or_none(ctx: click.Context) -> GitRepo | None:
    """Loose files may be linted outside a repository (then without the project's dialect)."""
    try:
        repo = repo_from(ctx)
    except GitMigrateError:
        return None
    return repo if config_path(repo).is_file() else None


def _render(report: LintReport, as_json: bool) -> None:
    findings = report.findings
    if as_json:
        output.print_json({
            "dialect": report.dialect,
            "files": [name for name, _found in report.files],
            "findings": [f.to_json() for f in findings],
            "blocking": sum(f.blocking for f in findings),
        })  # fmt: skip
        return
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
    blocking = sum(f.blocking for f in findings)
    output.info(
        f"lint ({report.dialect}): {len(report.files)} file(s), {errors} error(s), "
        f"{warnings} warning(s), {blocking} blocking"
    )
