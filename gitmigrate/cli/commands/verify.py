"""`git migrate verify`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.run_options import target_options
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_FAILED


@click.command()
@target_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@click.pass_context
def verify(ctx: click.Context, target: str | None, migration: str | None, as_json: bool) -> None:
    """Run every applied step's verify and check ledger, notes and branch agree (exit 1 if not)."""
    report = api.verify(repo_from(ctx), target=target, migration=migration)
    if as_json:
        output.print_json(report.to_json())
    else:
        result = report.result
        for step_id, finding in result.findings:
            output.info(f"{finding.severity}: {step_id}: {finding.message}")
        verdict = "ok" if result.ok else "FAILED"
        output.info(
            f"verify {verdict}: {len(result.checked)} applied step(s) checked on {result.target}"
        )
    if not report.ok:
        ctx.exit(EXIT_FAILED)
