"""`git migrate env subset`: commit (and apply) a masked subset closed under foreign keys."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.data_copy import _mapping
from gitmigrate.cli.context import repo_from


@click.command("subset")
@click.option("--from", "source", required=True, help="Source environment, target or URL.")
@click.option("--to", "target", required=True, help="Target environment, target or URL.")
@click.option(
    "--root", "roots", multiple=True, metavar='"TABLE [WHERE ...]"',
    help="Rows to start from, a condition in the source's SQL (repeatable).",
)  # fmt: skip
@click.option(
    "--percent",
    type=click.FloatRange(0, 100, min_open=True),
    help="Sample the roots; without --root, every table of the default schema.",
)
@click.option("--mask", type=click.Path(dir_okay=False), help="Masking rules file (TOML).")
@click.option("--follow", multiple=True, metavar="TABLE", help="Take its children too ('*': all).")
@click.option(
    "--key", "keys", multiple=True, metavar="TABLE:COL[,COL]",
    help="Identify TABLE's rows by these columns (a table without a primary key).",
)  # fmt: skip
@click.option("--schema", "schemas", multiple=True, metavar="S", help="Also read schema S.")
@click.option(
    "--schema-map", "schema_map", multiple=True, metavar="SOURCE:TARGET",
    help="Load schema SOURCE into TARGET (a MariaDB database, a PostgreSQL schema).",
)  # fmt: skip
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=api.DEFAULT_BATCH, show_default=True,
    help="Rows per chunk (one target transaction each).",
)  # fmt: skip
@click.option("--no-run", is_flag=True, help="Only commit the step; apply it later.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-m", "--message", "summary", help="What the step does (default: a description).")
@click.pass_context
def env_subset_command(
    ctx: click.Context, source: str, target: str, roots: tuple[str, ...],
    percent: float | None, mask: str | None, follow: tuple[str, ...], keys: tuple[str, ...],
    schemas: tuple[str, ...], schema_map: tuple[str, ...], batch_size: int, no_run: bool,
    yes: bool, as_json: bool, summary: str | None,
) -> None:  # fmt: skip
    """Add a data step copying a sample of SOURCE closed under foreign keys, masked, into
    TARGET, and apply it there (unless --no-run)."""
    result = api.env_subset(
        repo_from(ctx), source=source, target=target, roots=roots, percent=percent,
        mask=mask, follow=follow,
        keys={t: c.split(",") for t, c in _mapping(keys, "--key", "TABLE:COL[,COL]").items()},
        schemas=schemas, batch_size=batch_size, run=not no_run, yes=yes, summary=summary,
        schema_map=_mapping(schema_map, "--schema-map", "SOURCE:TARGET"),
    )  # fmt: skip
    if as_json:
        output.print_json(result.to_json())
        return
    step, plan = result.step, result.plan
    output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    for table in plan.get("tables", []):
        output.info(f"  {table['source']} -> {table['target']}: {table['rows']} rows")
    broken = plan.get("broken") or []
    if broken:
        output.info(f"  set after loading: {', '.join(broken)}")
    for rule in plan.get("masking") or []:
        output.info(f"  masked: {rule}")
    if result.run is None:
        output.info(f"apply it with: git migrate apply --target {plan.get('target') or target}")
    else:
        output.info(f"applied to {result.run.target}: {plan.get('rows', 0)} rows planned")
