"""`git migrate start NAME`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("name")
@click.option("--from", "from_ref", default="HEAD", show_default=True, help="Commit to fork from.")
@click.option("-m", "--message", "description", default="", help="What this migration is for.")
@click.pass_context
def start(ctx: click.Context, name: str, from_ref: str, description: str) -> None:
    """Create and check out the migration branch NAME with its start commit."""
    started = api.start(repo_from(ctx), name, from_ref=from_ref, description=description)
    migration = started.migration
    output.info(f"started migration {migration.name} on a new branch (base {migration.base[:12]})")
