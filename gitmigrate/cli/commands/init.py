"""`git migrate init`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.option(
    "--hooks",
    is_flag=True,
    help="Also install the pre-push hook that checks migration branches (docs/commands/hook.md).",
)
@click.pass_context
def init(ctx: click.Context, hooks: bool) -> None:
    """Prepare this repository: .gitmigrate.toml, notes refspecs, ignore rules (idempotent)."""
    result = api.init(repo_from(ctx), hooks=hooks)
    for change in result.changes:
        output.info(f"- {change}")
    output.info("git-migrate is ready" if result.changes else "already initialised; nothing to do")
