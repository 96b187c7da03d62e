"""`git migrate verify`."""

from __future__ import annotations

import sys

import click

from gitmigrate.cli import output
from gitmigrate.cli.commands.run_options import target_options
from gitmigrate.cli.context import repo_from
from gitmigrate.engine.verify import verify as engine_verify
from gitmigrate.errors import EXIT_FAILED


@click.command()
@target_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@click.pass_context
def verify(ctx: click.Context, target: str | None, migration: str | None, as_json: bool) -> None:
    """Run every applied step's verify and check ledger, notes and branch agree (exit 1 if not)."""
    result = engine_verify(repo_from(ctx), target, migration)
    if as_json:
        output.print_json(
            {
                "target": result.target,
                "ok": result.ok,
                "checked": result.checked,
                "findings": [
                    {"step": s, "severity": f.severity, "rule": f.rule, "message": f.message}
                    for s, f in result.findings
                ],
            }
        )
    else:
        for step_id, finding in result.findings:
            output.info(f"{finding.severity}: {step_id}: {finding.message}")
        verdict = "ok" if result.ok else "FAILED"
        output.info(
            f"verify {verdict}: {len(result.checked)} applied step(s) checked on {result.target}"
        )
    if not result.ok:
        sys.exit(EXIT_FAILED)
