"""`git migrate add env --environment NAME [--check database,config,http] [--timeout S]`: an
env step, the environment's health gate inside the migration (one API call)."""

from __future__ import annotations

import click

from gitmigrate.api.env_checks import add_env_step
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command("env")
@click.option("--environment", "-e", "environment", required=True, metavar="NAME",
              help="The environment ([environments.NAME] of .gitmigrate.toml).")  # fmt: skip
@click.option("--check", "checks", metavar="LIST", help="Only these: database,config,http.")
@click.option("--timeout", type=float, default=5.0, show_default=True,
              help="Seconds each check may take.")  # fmt: skip
@click.option("-m", "--message", "summary", help="What the step does.")
@click.pass_context
def add_env_command(
    ctx: click.Context, environment: str, checks: str | None, timeout: float, summary: str | None
) -> None:
    """Add an env step: apply fails it unless ENVIRONMENT is healthy (its database at the
    expected step, its config valid, its health URLs 2xx); rollback has nothing to undo."""
    step = add_env_step(
        repo_from(ctx), environment=environment, timeout=timeout, summary=summary,
        checks=checks.split(",") if checks else None,
    ).step  # fmt: skip
    output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
