"""`git migrate data add`: commit a keyset-chunked backfill (--set) or Python transform step."""

from __future__ import annotations

from pathlib import Path

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

_RULES = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("add")
@click.option("--table", required=True, help="The table to change.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="'COL = EXPR'",
    help="A set-based change run by the database per chunk (repeatable).",
)
@click.option(
    "--transform",
    metavar="FILE.py:FUNCTION",
    help="A Python function called per row (dict in, dict out; None quarantines).",
)
@click.option(
    "--columns",
    multiple=True,
    metavar="COL",
    help="--transform: the columns it may change (default: all but the key).",
)
@click.option("--where", help="Only rows matching this SQL condition.")
@click.option("--key", multiple=True, metavar="COL", help="Chunk by this unique NOT NULL key.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=api.DEFAULT_BATCH,
    show_default=True,
    help="Rows per chunk (one transaction each).",
)
@click.option(
    "--no-backup",
    is_flag=True,
    help="Keep no before-images (faster; the step becomes irreversible).",
)
@click.option(
    "--max-rows-per-second",
    type=click.FloatRange(min=0),
    default=0.0,
    help="Throttle for production (0: none).",
)
@click.option(
    "--sleep-between-batches",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="SECONDS",
    help="Pause after each committed chunk.",
)
@click.option("--pre-checks", type=_RULES, help="Rules file (data validate format) to pass first.")
@click.option("--post-checks", type=_RULES, help="Rules file to pass after the step.")
@click.option("--target", "-t", help="Check the table, key and expressions on this target now.")
@click.option("--dialect", "-d", help="sqlite, postgresql or mysql (default: the project's).")
@click.option("-m", "--message", "summary", required=True, help="What the step does.")
@click.pass_context
def data_add_command(
    ctx: click.Context,
    table: str,
    assignments: tuple[str, ...],
    transform: str | None,
    columns: tuple[str, ...],
    where: str | None,
    key: tuple[str, ...],
    batch_size: int,
    no_backup: bool,
    max_rows_per_second: float,
    sleep_between_batches: float,
    pre_checks: Path | None,
    post_checks: Path | None,
    target: str | None,
    dialect: str | None,
    summary: str,
) -> None:
    """Add a data step: a backfill (--set) or a transform, applied in keyset chunks with a
    checkpoint per chunk and before-images for rollback."""
    step = api.add_data(
        repo_from(ctx),
        summary=summary,
        table=table,
        set=assignments,
        transform=transform,
        columns=columns,
        where=where,
        key=key,
        batch_size=batch_size,
        backup=not no_backup,
        max_rows_per_second=max_rows_per_second,
        sleep_between_batches=sleep_between_batches,
        pre_checks=pre_checks,
        post_checks=post_checks,
        target=target,
        dialect=dialect,
    ).step
    output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    if step.irreversible:
        output.warn(f"{step.id} is irreversible: {step.irreversible}")
