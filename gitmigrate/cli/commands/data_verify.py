"""`git migrate data verify --from SOURCE --to TARGET --table T ...`: are the tables equal?"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from gitmigrate.cli import output
from gitmigrate.errors import EXIT_FAILED

if TYPE_CHECKING:
    from gitmigrate.data.verify import TableVerification


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
    from gitmigrate.data.verify_run import parse_key, parse_tables, verify_tables

    repo_dir = (ctx.find_root().obj or {}).get("repo_dir")
    source_name, target_name, results = verify_tables(
        source, target, parse_tables(tables, mapping), repo_dir=repo_dir, key=parse_key(key),
        segment_rows=segment_rows, max_differences=max_differences,
    )  # fmt: skip
    equal = all(r.equal for r in results)
    if as_json:
        output.print_json(
            {"source": source_name, "target": target_name, "equal": equal,
             "tables": [r.to_json() for r in results]}
        )  # fmt: skip
    else:
        output.info(f"verify {source_name} -> {target_name}")
        for result in results:
            _render(result)
    if not equal:
        sys.exit(EXIT_FAILED)


def _render(r: TableVerification) -> None:
    verdict = "EQUAL" if r.equal else "DIFFERENT"
    output.info(
        f"{r.source_table} -> {r.target_table}: {r.source_rows} / {r.target_rows} rows, "
        f"{r.segments} segment(s), {verdict} ({r.seconds:.2f} s)"
    )
    for label, keys in (
        ("changed", r.differing_keys),
        ("missing in target", r.missing_in_target),
        ("extra in target", r.extra_in_target),
    ):
        if keys:
            output.info(f"  {label} ({len(keys)}): {', '.join(_key(k) for k in keys)}")
    for column in r.unmatched_columns:
        output.info(f"  column {column}")
    if r.truncated:
        output.info("  (stopped after --max-differences keys; more rows may differ)")


def _key(values: tuple[Any, ...]) -> str:
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"
