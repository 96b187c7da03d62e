"""`git migrate log`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def log(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Steps of a migration (default: the current one; outside a branch: all in HEAD)."""
    steps = api.log(repo_from(ctx), name)
    if as_json:
        output.print_json_text(steps.json_text())
        return
    output.table(
        None,
        ["step", "kind", "summary", "commit", "last event"],
        [
            [
                v.step.id,
                v.step.kind,
                v.step.summary,
                (v.step.commit or "-")[:12],
                _last_event(v.events),
            ]
            for v in steps.views
        ],
    )


def _last_event(events: tuple[dict[str, object], ...]) -> str:
    if not events:
        return "-"
    last = events[-1]
    return f"{last.get('event')} on {last.get('target')} at {last.get('at')}"
