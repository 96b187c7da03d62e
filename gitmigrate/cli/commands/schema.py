"""`git migrate schema ...`: the group and its read-only subcommands `inspect` and `drift`.

Other subcommands live in their own modules and attach themselves to this group
(`from gitmigrate.cli.commands.schema import schema` then `@schema.command("diff")`):
`schema_diff.py` (diff) and `schema_lint.py` (lint). The group imports them explicitly at the
end of this module (see `_SUBCOMMAND_MODULES`) so `git migrate schema --help` lists them.
"""

from __future__ import annotations

import importlib

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.schema_options import schema_options
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_FAILED

# modules that register more subcommands on `schema`; the lead adds each one when it lands
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("schema_diff", "schema_diff_command"),
    ("schema_lint", "schema_lint_command"),
)


@click.group()
def schema() -> None:
    """Database schemas: inspect, drift (and diff, lint)."""


@schema.command()
@click.option("--target", "-t", help="Target name or URL (default: the project's default target).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sql", "json"]),
    default="sql",
    show_default=True,
    help="CREATE statements for the target's dialect, or the normalized model as JSON.",
)
@schema_options
@click.pass_context
def inspect(
    ctx: click.Context,
    target: str | None,
    fmt: str,
    only_schema: str | None,
    exclude_schemas: tuple[str, ...],
) -> None:
    """The live schema of a target, normalized."""
    found = api.schema_inspect(
        repo_from(ctx), target=target, schema=only_schema, exclude_schemas=exclude_schemas
    )
    if fmt == "json":
        output.print_json(found.to_json())
    else:
        click.echo(f"-- schema of {found.target} ({found.dialect})")
        click.echo(found.sql(), nl=False)


@schema.command()
@click.option("--target", "-t", help="Target name or URL (default: the project's default target).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@schema_options
@click.pass_context
def drift(
    ctx: click.Context,
    target: str | None,
    as_json: bool,
    only_schema: str | None,
    exclude_schemas: tuple[str, ...],
) -> None:
    """Differences between a target's live schema and what its applied steps produce
    (exit 1 when there is drift)."""
    report = api.schema_drift(
        repo_from(ctx), target=target, schema=only_schema, exclude_schemas=exclude_schemas
    )
    if as_json:
        output.print_json(report.to_json())
    else:
        for step_id in report.unknown:
            output.warn(f"{step_id} is applied on {report.target} but not in this tree")
        for line in report.differences:
            output.info(f"drift: {line}")
        verdict = "no drift" if report.clean else f"{len(report.differences)} difference(s)"
        output.info(
            f"{report.target} ({report.dialect}): {verdict} against "
            f"{len(report.applied)} applied step(s)"
        )
    if not report.clean:
        ctx.exit(EXIT_FAILED)


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    schema.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
