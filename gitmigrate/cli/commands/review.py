"""`git migrate review [RANGE] [--format markdown|json]`: a migration branch for its pull request."""

from __future__ import annotations

import sys

import click

from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.review.facts import gather_review


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
    facts = gather_review(repo_from(ctx), range_spec)
    if fmt == "json":
        from gitmigrate.review.policy import blocking_problems

        output.print_json(
            {**facts.to_json(), "blocking": [p.to_json() for p in blocking_problems(facts)]}
        )
        return
    from gitmigrate.review.markdown import render_markdown

    sys.stdout.write(render_markdown(facts))
