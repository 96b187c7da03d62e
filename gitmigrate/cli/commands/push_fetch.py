"""`git migrate push` and `git migrate fetch`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("remote", required=False)
@click.argument("name", required=False)
@click.pass_context
def push(ctx: click.Context, remote: str | None, name: str | None) -> None:
    """Push migration branch(es) and notes together (atomic), merging the remote's notes first."""
    result = api.push(repo_from(ctx), remote, name).result
    output.info(f"pushed {', '.join(result.pushed) or 'notes'} and notes to {result.remote}")


@click.command()
@click.argument("remote", required=False)
@click.pass_context
def fetch(ctx: click.Context, remote: str | None) -> None:
    """Fetch branches and notes, merging the remote's notes into the local ones."""
    result = api.fetch(repo_from(ctx), remote).result
    merged = ", ".join(result.merged) or "nothing new"
    output.info(f"fetched from {result.remote}; merged notes: {merged}")
