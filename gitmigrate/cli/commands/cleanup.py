"""`git migrate cleanup NAME`: drop a complete migration's before-images from a target."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.cli.progress import confirm_if_tty


@click.command()
@click.argument("migration")
@click.option("--target", "-t", help="Target name or URL (default: the project's default target).")
@click.option("--dry-run", is_flag=True, help="List what would be dropped.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def cleanup(
    ctx: click.Context, migration: str, target: str | None, dry_run: bool, yes: bool
) -> None:
    """Drop the before-images, quarantine and copy-record tables of MIGRATION's data steps
    once every step of it is applied on the target (after that they cannot be rolled back)."""
    result = api.cleanup(
        repo_from(ctx), migration, target=target, dry_run=dry_run, confirm=confirm_if_tty(), yes=yes
    ).result
    if not result.tables:
        output.info(f"{migration} keeps no helper tables on {result.target}")
        return
    verb = "dropped" if result.dropped else "would drop"
    for name in result.tables:
        output.info(f"{verb} {name}")
    output.info(f"cleanup of {migration} on {result.target}: {len(result.tables)} table(s) {verb}")
