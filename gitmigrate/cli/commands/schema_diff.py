"""`git migrate schema diff --to DESIRED [--target T | --from SOURCE] ...`: one step whose
up.sql turns the source schema into DESIRED and whose down.sql is its exact inverse."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.add import show_findings
from gitmigrate.cli.commands.schema_options import schema_options
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import UsageError


def parse_renames(values: tuple[str, ...]) -> dict[str, str]:
    renames = {}
    for value in values:
        old, sep, new = value.partition(":")
        if not sep or not old or not new:
            raise UsageError(
                f"--rename {value!r} is not old:new",
                "write --rename old_table:new_table or --rename table.old:table.new",
            )
        renames[old.strip()] = new.strip()
    return renames


@click.command("diff")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="DESIRED",
    help="Desired schema: a .sql file, a database URL or target, or module:attr.",
)
@click.option("--target", "-t", help="Diff from this target's live schema.")
@click.option(
    "--from", "from_", metavar="SOURCE", help="Diff from this schema (same forms as --to)."
)
@click.option("--dialect", "-d", help="sqlite, postgresql or mysql (default: the project's).")
@click.option(
    "-m", "--message", "summary", help="Step summary (default: 'schema diff to DESIRED')."
)
@click.option("--print", "print_only", is_flag=True, help="Only show the up and down DDL.")
@click.option(
    "--rename",
    "renames",
    multiple=True,
    metavar="OLD:NEW",
    help="Treat a drop+add as a rename (table or table.column); repeatable.",
)
@click.option("--online", is_flag=True, help="Low-lock variants: CONCURRENTLY, NOT VALID, ...")
@schema_options
@click.pass_context
def schema_diff_command(
    ctx: click.Context,
    to: str,
    target: str | None,
    from_: str | None,
    dialect: str | None,
    summary: str | None,
    print_only: bool,
    renames: tuple[str, ...],
    online: bool,
    only_schema: str | None,
    exclude_schemas: tuple[str, ...],
) -> None:  # fmt: skip
    """Generate the DDL from the current schema to DESIRED and commit it as a step."""
    diff = api.schema_diff(
        repo_from(ctx), to=to, from_=from_, target=target, dialect=dialect,
        renames=parse_renames(renames), online=online, print_only=print_only, summary=summary,
        schema=only_schema, exclude_schemas=exclude_schemas,
    )  # fmt: skip
    result = diff.result
    for pair in result.rename_candidates:
        old, new = pair.split(":", 1)
        output.warn(f"{old} -> {new} looks like a rename; it is a drop and an add unless you "
                    f"pass --rename {pair}")  # fmt: skip
    if result.is_empty:
        output.info("schemas already match")
        return
    if print_only and result.sequence:  # --online: each planned step, SQL or data, in order
        for block in diff.sequence_blocks():
            click.echo(block)
    elif print_only:
        click.echo(f"-- up ({result.dialect})\n{diff.up_script()}")
        click.echo(f"-- down ({result.dialect})\n{diff.down_script()}", nl=False)
    else:
        click.echo(diff.up_script(), nl=False)
        for step in result.steps:
            output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    show_findings(diff.findings)  # as `add sql` shows them: cheapest to fix now
