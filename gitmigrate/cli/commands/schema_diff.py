"""`git migrate schema diff --to DESIRED [--target T | --from SOURCE] ...`: one step whose
up.sql turns the source schema into DESIRED and whose down.sql is its exact inverse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import UsageError

if TYPE_CHECKING:
    from gitmigrate.schema.api import DiffResult


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
) -> None:  # fmt: skip
    """Generate the DDL from the current schema to DESIRED and commit it as a step."""
    from gitmigrate.schema.api import schema_diff, script

    result = schema_diff(
        repo_from(ctx), to=to, from_=from_, target=target, dialect=dialect,
        renames=parse_renames(renames), online=online, print_only=print_only, summary=summary,
    )  # fmt: skip
    for pair in result.rename_candidates:
        old, new = pair.split(":", 1)
        output.warn(f"{old} -> {new} looks like a rename; it is a drop and an add unless you "
                    f"pass --rename {pair}")  # fmt: skip
    if result.is_empty:
        output.info("schemas already match")
        return
    if print_only and result.sequence:
        _print_sequence(result)
    elif print_only:
        click.echo(f"-- up ({result.dialect})\n{script(result.up)}")
        click.echo(f"-- down ({result.dialect})\n{script(result.down)}", nl=False)
    else:
        click.echo(script(result.up), nl=False)
        for step in result.steps:
            output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    for finding in result.findings:  # as `add sql` shows them: cheapest to fix now
        output.warn(
            f"lint {finding.severity} {finding.rule} at {finding.file}:{finding.line}: "
            f"{finding.message} -- {finding.fix}"
        )


def _print_sequence(result: DiffResult) -> None:
    """--online expand/contract with --print: each planned step, SQL or data, in order."""
    from gitmigrate.schema.expand_commit import printed

    total = len(result.sequence)
    for number, step in enumerate(result.sequence, 1):
        click.echo(f"-- step {number}/{total}: {step.summary} ({step.kind}, {result.dialect})")
        click.echo(printed(step))
