"""`git migrate repair STEP --resolved|--rerun|--abandon`."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.cli.progress import confirm_if_tty
from gitmigrate.errors import UsageError

_DONE = {
    "resolved": "counts as applied (resolved by hand)",
    "rerun": "is pending again: `git migrate apply` runs it",
    "abandon": "is abandoned: apply skips it",
}


@click.command()
@click.argument("step")
@click.option("--resolved", is_flag=True, help="You finished it by hand: it counts as applied.")
@click.option("--rerun", is_flag=True, help="Clear its record, so apply runs it again.")
@click.option("--abandon", is_flag=True, help="Apply skips it from now on.")
@click.option("--reason", help="Why (kept with the decision).")
@click.option("--target", "-t", help="Target name or URL (default: the project's default target).")
@click.option("--migration", help="Migration name (default: the current branch's).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def repair(
    ctx: click.Context,
    step: str,
    resolved: bool,
    rerun: bool,
    abandon: bool,
    reason: str | None,
    target: str | None,
    migration: str | None,
    yes: bool,
    as_json: bool,
) -> None:
    """Record your decision about a failed, interrupted, skipped or abandoned STEP: a ledger
    row and a run event, shown by status and the validation report."""
    chosen = [d for d, on in (("resolved", resolved), ("rerun", rerun), ("abandon", abandon)) if on]
    if len(chosen) != 1:
        raise UsageError(
            "say what to record" if not chosen else "pass only one decision",
            "pass exactly one of --resolved, --rerun, --abandon",
        )
    decision = chosen[0]
    report = api.repair(
        repo_from(ctx),
        step,
        decision,
        target=target,
        migration=migration,
        reason=reason,
        yes=yes,
        confirm=confirm_if_tty(),
    )
    if as_json:
        output.print_json(report.to_json())
        return
    r = report.result
    output.info(f"{r.step_id} on {r.target}: was {r.before}, now {_DONE[r.decision]}")
