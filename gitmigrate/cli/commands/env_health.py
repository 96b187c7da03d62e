"""`git migrate env health ENV [--json] [--timeout S] [--check database,config,http]`: one API
call (gitmigrate.api.env_checks.env_health) and its rendering; exit 3 when a check fails."""

from __future__ import annotations

import click

from gitmigrate.api.env_checks import env_health
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_BLOCKED


@click.command("health")
@click.argument("env_name", metavar="ENV")
@click.option("--timeout", type=float, default=5.0, show_default=True,
              help="Seconds each check may take (an HTTP URL that hangs fails at this).")  # fmt: skip
@click.option("--check", "checks", metavar="LIST", help="Only these: database,config,http.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def env_health_command(
    ctx: click.Context, env_name: str, timeout: float, checks: str | None, as_json: bool
) -> None:
    """Check ENV: its database reachable and at the expected step, its config valid against
    its schema, its health URLs answering 2xx within --timeout. Exit 3 when a check fails."""
    report = env_health(
        repo_from(ctx), env=env_name, timeout=timeout,
        checks=checks.split(",") if checks else None,
    )  # fmt: skip
    if as_json:
        output.print_json(report.to_json())
    else:
        rows = [("ok" if c.ok else "FAIL", c.name, f"{c.seconds:.3f}s", c.detail)
                for c in report.checks]  # fmt: skip
        output.table(f"health of {report.env}", ("", "check", "time", "detail"), rows)
        bad = len(report.failed)
        output.info(f"{report.env}: " + (f"{bad} check(s) failed" if bad else "healthy"))
    if not report.ok:
        ctx.exit(EXIT_BLOCKED)
