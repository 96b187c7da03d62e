"""Options and rendering shared by the commands that run steps (apply, resume, rollback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.progress import ConsoleReporter

F = Callable[..., Any]


def target_options(func: F) -> F:
    func = click.option(
        "--target", "-t", help="Target name from .gitmigrate.toml, or a database URL."
    )(func)
    func = click.option(
        "--migration", help="Migration name (default: the current branch's, else all in HEAD)."
    )(func)
    return func


def run_options(func: F) -> F:
    func = click.option("--dry-run", is_flag=True, help="Show what would run; change nothing.")(
        func
    )
    func = click.option(
        "--yes", "-y", is_flag=True, help="Confirm destructive steps (for scripts)."
    )(func)
    func = click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")(func)
    func = click.option("--no-progress", is_flag=True, help="Plain output, no progress bars.")(func)
    func = click.option(
        "--lock-timeout",
        type=float,
        default=60.0,
        show_default=True,
        help="Seconds to wait for another run's lock on the target.",
    )(func)
    return func


def console_reporter(*, dry_run: bool, as_json: bool, no_progress: bool) -> ConsoleReporter:
    """Progress bars for people; the SQL echoed in dry runs; silence for --json."""
    return ConsoleReporter(
        show_progress=not no_progress and not as_json, echo_sql=dry_run and not as_json
    )


def render_result(report: api.RunReport, as_json: bool, verb: str) -> None:
    if as_json:
        output.print_json(report.to_json())
        return
    result = report.result
    if result.up_to_date:
        output.info(f"{result.target}: up to date, nothing to {verb}")
        return
    if result.dry_run:
        for planned in result.planned:
            impact, estimate = planned.impact, result.estimates.get(planned.step.id)
            output.info(
                f"{planned.step.id}: touches {', '.join(impact.objects) or 'nothing named'}; "
                + (f"DESTRUCTIVE ({'; '.join(impact.reasons)}); " if impact.destructive else "")
                + (f"estimate {estimate.seconds:.2f}s ({estimate.basis})" if estimate else "")
            )
        for run in result.runs:
            if not run.previewed:
                output.warn(f"{run.step.id}: not executed in the dry run: {run.not_previewed}")
            for sql in run.unchecked:
                head = " ".join(sql.split())[:80]
                output.warn(f"{run.step.id}: not linted and not checked by a server: {head}")
        output.info(
            f"dry run: {len(result.runs)} step(s) would {verb} on {result.target}; nothing was changed"
        )
    else:
        output.info(f"{verb}: {len(result.runs)} step(s) on {result.target} (run {result.run_id})")
