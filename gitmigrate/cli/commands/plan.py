"""`git migrate plan`."""

from __future__ import annotations

from pathlib import Path

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.argument("name", required=False)
@click.option(
    "--output",
    "-o",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (default: docs/plan-outputs/NAME).",
)
@click.option("--target", "-t", help="Target name or URL: its ledger, row counts, verify, drift.")
@click.option(
    "--dialect", help="Without --target: the dialect of the scripts (default: the project's)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@click.pass_context
def plan(
    ctx: click.Context,
    name: str | None,
    output_dir: Path | None,
    target: str | None,
    dialect: str | None,
    as_json: bool,
) -> None:
    """Write the migration plan, rollback plan, validation report and runnable scripts."""
    report = api.plan(repo_from(ctx), name, output=output_dir, target=target, dialect=dialect)
    if as_json:
        output.print_json(report.to_json())
        return
    result = report.result
    model = result.model
    for path in result.written:
        output.info(_shown(path))
    for path in result.removed:
        output.info(f"removed stale {_shown(path)}")
    output.info(
        f"plan for {model.migration.name} ({len(model.steps)} step(s), {model.dialect}"
        + (f", target {model.target}" if model.target else "")
        + f"): {len(result.written)} file(s) in {_shown(result.output_dir)}"
    )


def _shown(path: Path) -> str:
    """Relative to the current directory when below it (what people type), else absolute."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
