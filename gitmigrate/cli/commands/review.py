"""`git migrate review [RANGE] [--format markdown|json]`: a migration branch for its pull request."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("range_spec", metavar="[RANGE]", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
    show_default=True, help="Markdown for a pull request, JSON for scripts.",
)  # fmt: skip
@click.pass_context
def review(ctx: click.Context, range_spec: str | None, fmt: str) -> None:
    """Review a migration: steps with up/down side by side, lint, irreversible and destructive
    steps, missing verifies, steps changed after being applied, and what the pre-push hook
    would refuse. RANGE: a migration name, migrate/NAME or BASE..migrate/NAME (default: the
    checked-out migration branch against its base)."""
    found = api.review(repo_from(ctx), range_spec)
    if fmt == "json":
        output.print_json(found.to_json())
        return
    output.write(found.markdown())
