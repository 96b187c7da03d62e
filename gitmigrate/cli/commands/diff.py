"""`git migrate diff`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("from_step", metavar="[FROM", required=False)
@click.argument("to_step", metavar="[TO]]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def diff(ctx: click.Context, from_step: str | None, to_step: str | None, as_json: bool) -> None:
    """The git diff of step files between two steps (default: the last step's change)."""
    found = api.diff(repo_from(ctx), from_step, to_step)
    if as_json:
        from gitmigrate.cli import output

        output.print_json(found.to_json())
        return
    click.echo(found.text, nl=False)
