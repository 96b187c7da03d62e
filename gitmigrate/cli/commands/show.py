"""`git migrate show STEP`."""

from __future__ import annotations

import click
from rich.syntax import Syntax

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("step_spec", metavar="STEP")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx: click.Context, step_spec: str, as_json: bool) -> None:
    """One step: files, checksum, note and run events (STEP = N, NAME/NNN or a commit)."""
    detail = api.show(repo_from(ctx), step_spec)
    if as_json:
        output.print_json(detail.to_json())
        return
    _render(detail)


def _render(view: api.StepDetail) -> None:
    step = view.step
    output.info(f"step {step.id}: {step.summary}")
    output.info(f"kind {step.kind}  commit {step.commit or '-'}  checksum {step.checksum[:16]}")
    if step.irreversible:
        output.info(f"irreversible: {step.irreversible}")
    for name in sorted(step.files):
        if name.endswith(".sql"):
            output.out().rule(name)
            output.out().print(Syntax(step.text(name) or "", "sql", theme="ansi_dark"))
    for event in view.events:
        output.info(
            f"{event.get('at')}  {event.get('event')}  target={event.get('target')}  by={event.get('user')}"
        )
