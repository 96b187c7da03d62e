"""`git migrate data verify --from SOURCE --to TARGET --table T ...`: are the tables equal?"""

from __future__ import annotations

from typing import Any

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_FAILED


@click.command("verify")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="SOURCE",
    help="A target name from .gitmigrate.toml, or a URL (password as ${VAR}).",
)
@click.option(
    "--to", "target", required=True, metavar="TARGET", help="The other side (same forms)."
)
@click.option(
    "--table", "tables", multiple=True, metavar="T", help="A table to verify (repeatable)."
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="SRC:DST",
    help="The table's name on the target side, when it differs.",
)
@click.option(
    "--key",
    "key",
    multiple=True,
    metavar="COL",
    help="Compare rows by this key (default: the primary key); repeat or COL1,COL2.",
)
@click.option(
    "--segment-rows",
    type=click.IntRange(min=1),
    default=10000,
    show_default=True,
    help="Rows per top-level checksum segment.",
)
@click.option(
    "--max-differences",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Stop narrowing down after this many differing keys per table.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@click.pass_context
def data_verify_command(
    ctx: click.Context, source: str, target: str, tables: tuple[str, ...],
    mapping: tuple[str, ...], key: tuple[str, ...], segment_rows: int, max_differences: int,
    as_json: bool,
) -> None:  # fmt: skip
    """Compare tables across databases by per-segment checksums; exit 1 when they differ."""
    verified = api.data_verify(
        repo_from(ctx), source=source, target=target, tables=tables, mapping=mapping, key=key,
        segment_rows=segment_rows, max_differences=max_differences,
    )  # fmt: skip
    if as_json:
        output.print_json(verified.to_json())
    else:
        output.info(f"verify {verified.source} -> {verified.target}")
        for result in verified.tables:
            _render(result)
    if not verified.equal:
        ctx.exit(EXIT_FAILED)


def _render(r: api.TableVerification) -> None:
    verdict = "EQUAL" if r.equal else "DIFFERENT"
    output.info(
        f"{r.source_table} -> {r.target_table}: {r.source_rows} / {r.target_rows} rows, "
        f"{r.segments} segment(s), {verdict} ({r.seconds:.2f} s)"
    )
    for label, keys, found in (
        ("changed", r.differing_keys, r.differing_count),
        ("missing in target", r.missing_in_target, r.missing_count),
        ("extra in target", r.extra_in_target, r.extra_count),
    ):
        if keys:
            total = max(found, len(keys))
            many = f"{total}" if r.complete else f"at least {total}"
            shown = f"; first {len(keys)} listed" if len(keys) < total else ""
            output.info(f"  {label} ({many}{shown}): {', '.join(_key(k) for k in keys)}")
    for column in r.unmatched_columns:
        output.info(f"  column {column}")
    if not r.complete:
        output.info("  (stopped after --max-differences keys; more rows may differ)")


def _key(values: tuple[Any, ...]) -> str:
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"
