"""`git migrate rollback`."""

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
@click.option("--to", "to", help="Keep this step applied; roll back every later one.")
@click.option("--steps", type=int, help="Roll back the last N applied steps.")
@click.option("--all", "all_steps", is_flag=True, help="Roll back every applied step.")
@click.option("--force", is_flag=True, help="Skip irreversible steps (their effects stay).")
@run_options
@click.pass_context
def rollback(
    ctx: click.Context,
    target: str | None,
    migration: str | None,
    to: str | None,
    steps: int | None,
    all_steps: bool,
    force: bool,
    dry_run: bool,
    yes: bool,
    as_json: bool,
    no_progress: bool,
    lock_timeout: float,
) -> None:
    """Run rollbacks newest first; each is recorded as a commit on the migration branch."""
    result = api.rollback(
        repo_from(ctx),
        target=target,
        migration=migration,
        to=to,
        steps=steps,
        all=all_steps,
        dry_run=dry_run,
        yes=yes,
        force=force,
        lock_timeout=lock_timeout,
        progress=console_reporter(dry_run=dry_run, as_json=as_json, no_progress=no_progress),
        confirm=confirm_if_tty(),
    )
    render_result(result, as_json, "roll back")
