"""`git migrate show STEP`."""

from __future__ import annotations

import click
from rich.syntax import Syntax

from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.core.queries import StepView, find_step, step_views


@click.command()
@click.argument("step_spec", metavar="STEP")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx: click.Context, step_spec: str, as_json: bool) -> None:
    """One step: files, checksum, note and run events (STEP = N, NAME/NNN or a commit)."""
    repo = repo_from(ctx)
    step = find_step(repo, step_spec)
    view = next(v for v in step_views(repo, step.migration) if v.step.id == step.id)
    if as_json:
        output.print_json(
            {
                **view.to_json(),
                "files": {k: v.decode(errors="replace") for k, v in step.files.items()},
            }
        )
        return
    _render(view)


def _render(view: StepView) -> None:
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
