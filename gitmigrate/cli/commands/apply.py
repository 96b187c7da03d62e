"""`git migrate apply` and `git migrate resume`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli.commands.run_options import (
    console_reporter,
    render_result,
    run_options,
    target_options,
)
from gitmigrate.cli.context import repo_from
from gitmigrate.cli.progress import confirm_if_tty


@click.command()
@target_options
@click.option("--to", "to", help="Stop after this step (NNN or NAME/NNN).")
@click.option("--allow", multiple=True, metavar="RULE", help="Let this lint rule's errors through.")
@click.option(
    "--rollback-on-failure",
    type=click.Choice(["step", "all"]),
    default="step",
    show_default=True,
    help="On failure undo only the failed step, or everything this run applied.",
)
@click.option(
    "--dry-run-chunks",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --dry-run: chunks of a data step to run (rolled back) and estimate from"
    " (default 3).",
)
@click.option(
    "--run-verify",
    is_flag=True,
    help="Run the verify commands code steps record (default: ask on a terminal, else not).",
)
@click.option("--health", "health", metavar="ENV",
              help="Run ENV's health checks after each step, as part of its verify.")  # fmt: skip
@click.option("--health-timeout", type=float, default=5.0, show_default=True, metavar="S",
              help="With --health: seconds each health check may take.")  # fmt: skip
@run_options
@click.pass_context
def apply(
    ctx: click.Context,
    target: str | None,
    migration: str | None,
    to: str | None,
    allow: tuple[str, ...],
    rollback_on_failure: str,
    dry_run_chunks: int | None,
    run_verify: bool,
    health: str | None,
    health_timeout: float,
    dry_run: bool,
    yes: bool,
    as_json: bool,
    no_progress: bool,
    lock_timeout: float,
) -> None:
    """Apply pending steps to a target, in order, each recorded in the target's ledger."""
    with api.code_verify_commands(run=run_verify, confirm=confirm_if_tty()):
        result = api.apply(
            repo_from(ctx),
            target=target,
            migration=migration,
            to=to,
            dry_run=dry_run,
            yes=yes,
            rollback_on_failure=rollback_on_failure,
            lock_timeout=lock_timeout,
            allow=allow,
            dry_run_chunks=dry_run_chunks,
            progress=console_reporter(dry_run=dry_run, as_json=as_json, no_progress=no_progress),
            confirm=confirm_if_tty(),
            health=health,
            health_timeout=health_timeout,
        )
    render_result(result, as_json, "apply")


@click.command()
@target_options
@click.option("--to", "to", help="Stop after this step (NNN or NAME/NNN).")
@click.option("--allow", multiple=True, metavar="RULE", help="Let this lint rule's errors through.")
@click.option(
    "--run-verify",
    is_flag=True,
    help="Run the verify commands code steps record (default: ask on a terminal, else not).",
)
@click.option("--health", "health", metavar="ENV",
              help="Run ENV's health checks after each step, as part of its verify.")  # fmt: skip
@click.option("--health-timeout", type=float, default=5.0, show_default=True, metavar="S",
              help="With --health: seconds each health check may take.")  # fmt: skip
@run_options
@click.pass_context
def resume(
    ctx: click.Context,
    target: str | None,
    migration: str | None,
    to: str | None,
    allow: tuple[str, ...],
    run_verify: bool,
    health: str | None,
    health_timeout: float,
    dry_run: bool,
    yes: bool,
    as_json: bool,
    no_progress: bool,
    lock_timeout: float,
) -> None:
    """Continue an interrupted or failed run from its last checkpoint."""
    with api.code_verify_commands(run=run_verify, confirm=confirm_if_tty()):
        result = api.resume(
            repo_from(ctx),
            target=target,
            migration=migration,
            to=to,
            dry_run=dry_run,
            yes=yes,
            lock_timeout=lock_timeout,
            allow=allow,
            progress=console_reporter(dry_run=dry_run, as_json=as_json, no_progress=no_progress),
            confirm=confirm_if_tty(),
            health=health,
            health_timeout=health_timeout,
        )
    render_result(result, as_json, "apply")
