"""`git migrate data copy`: commit a step that copies tables from another database."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import UsageError


def _mapping(
    items: tuple[str, ...], option: str = "--map", shape: str = "OLD:NEW"
) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition(":")
        if not sep or not old or not new:
            raise UsageError(f"{option} {item!r} is not {shape}", f"write e.g. {option} {shape}")
        found[old] = new
    return found


@click.command("copy")
@click.option(
    "--from",
    "source",
    required=True,
    help="Source: a target name from .gitmigrate.toml, or a URL (password as ${VAR}).",
)
@click.option("--to", "destination", help="Where it will be applied (printed in the next step).")
@click.option("--table", "tables", multiple=True, metavar="T", help="A table to copy (repeatable).")
@click.option("--all", "all_tables", is_flag=True, help="Every table of the source.")
@click.option("--map", "mapping", multiple=True, metavar="OLD:NEW", help="Rename a table.")
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="TABLE:COL[,COL]",
    help="Chunk TABLE by these unique NOT NULL columns (when it has no primary key).",
)
@click.option("--where", help="Copy only rows matching this SQL condition (source dialect).")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=api.DEFAULT_BATCH,
    show_default=True,
    help="Rows per chunk (one target transaction each).",
)
@click.option(
    "--cleanup-source",
    is_flag=True,
    help="Delete source rows once verified equal on the target (irreversible).",
)
@click.option("-m", "--message", "summary", help="What the step does (default: a description).")
@click.pass_context
def data_copy_command(
    ctx: click.Context,
    source: str,
    destination: str | None,
    tables: tuple[str, ...],
    all_tables: bool,
    mapping: tuple[str, ...],
    keys: tuple[str, ...],
    where: str | None,
    batch_size: int,
    cleanup_source: bool,
    summary: str | None,
) -> None:
    """Add a copy step: tables in foreign-key order, types mapped, keys and sequences kept."""
    step = api.copy_data(
        repo_from(ctx),
        source=source,
        tables=tables,
        all_tables=all_tables,
        mapping=_mapping(mapping),
        keys={t: c.split(",") for t, c in _mapping(keys, "--key", "TABLE:COL[,COL]").items()},
        where=where,
        batch_size=batch_size,
        cleanup_source=cleanup_source,
        summary=summary,
    ).step
    output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    notes = step.options.get("copy_notes")
    for dialect, said in notes.items() if isinstance(notes, dict) else ():
        lost = [n for n in said if n.startswith(("not kept", "not copied", "not added", "cannot"))]
        output.info(
            f"  to {dialect}: {len(said) - len(lost)} mapping(s), {len(lost)} thing(s) not"
            " kept (listed by the step note and `git migrate plan`)"
        )
    where_to = f" --target {destination}" if destination else ""
    output.info(f"apply it with: git migrate apply{where_to}")
