"""`git migrate list`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List migrations: on their branches and merged into HEAD."""
    migrations = api.list_migrations(repo_from(ctx))
    if as_json:
        output.print_json(migrations.to_json())
        return
    if not migrations.rows:
        output.info("no migrations yet; start one with `git migrate start NAME`")
        return
    output.table(
        "migrations",
        ["name", "steps", "branch", "merged", "description"],
        [
            [
                r["name"],
                r["steps"],
                r.get("branch") or "-",
                "yes" if r["in_head"] else "no",
                r["description"],
            ]
            for r in migrations.rows
        ],
    )
