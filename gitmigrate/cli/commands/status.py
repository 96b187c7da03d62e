"""`git migrate status`."""

from __future__ import annotations

import click

from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.core.queries import step_views


@click.command()
@click.option("--migration", "name", help="Migration name (default: the current branch's).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Steps of the migration and what the run notes say about them."""
    views = step_views(repo_from(ctx), name)
    rows = [
        {
            "step": v.step.id,
            "summary": v.step.summary,
            "state": str(v.events[-1].get("event")) if v.events else "new",
        }
        for v in views
    ]
    if as_json:
        output.print_json(rows)
        return
    output.table(
        None, ["step", "summary", "state"], [[r["step"], r["summary"], r["state"]] for r in rows]
    )
