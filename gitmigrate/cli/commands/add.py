"""`git migrate add <kind>`: one step commit."""

from __future__ import annotations

import sys

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.add_kind import KindGroup
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import UsageError


def read_source(value: str | None, what: str) -> api.SqlSource | None:
    """FILE or '-' (stdin) -> text with its origin, with a clear error for unreadable files."""
    if value is None:
        return None
    if value == "-":
        return api.SqlSource(sys.stdin.read(), "<stdin>")
    try:
        with open(value, encoding="utf-8-sig") as handle:
            return api.SqlSource(handle.read(), value)
    except OSError as exc:
        raise UsageError(
            f"cannot read the {what} file {value}: {exc.strerror}", "check the path"
        ) from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"the {what} file {value} is not UTF-8 text", "save it as UTF-8") from exc


@click.group(cls=KindGroup)
def add() -> None:
    """Add a step to the current migration (`add KIND --option k=v` for other kinds)."""


@add.command("sql")
@click.option("--up", "up_file", required=True, help="Forward SQL file ('-' for stdin).")
@click.option("--down", "down_file", help="Rollback SQL file.")
@click.option("--verify", "verify_file", help="SQL that must return a truthy row after apply.")
@click.option("--irreversible", help="Why no rollback can exist (instead of --down).")
@click.option(
    "--dialect",
    help="sqlite, postgresql, mysql, or any for portable SQL (default: the project's).",
)
@click.option("-m", "--message", "summary", required=True, help="What the step does.")
@click.pass_context
def add_sql(
    ctx: click.Context,
    up_file: str,
    down_file: str | None,
    verify_file: str | None,
    irreversible: str | None,
    dialect: str | None,
    summary: str,
) -> None:
    """Add a SQL step: up, down (or --irreversible) and optional verify."""
    if [up_file, down_file, verify_file].count("-") > 1:
        raise UsageError(
            "only one of --up/--down/--verify can read stdin", "pass files for the others"
        )
    up = read_source(up_file, "up")
    assert up is not None  # --up is required
    added = api.add_sql(
        repo_from(ctx),
        summary=summary,
        up=up,
        down=read_source(down_file, "down"),
        verify=read_source(verify_file, "verify"),
        irreversible=irreversible,
        dialect=dialect,
    )
    step = added.step
    output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    show_findings(added.findings)


def show_findings(findings: tuple[api.LintFinding, ...]) -> None:
    """Lint findings are recorded in the step note; show them now, when they are cheap to fix."""
    for finding in findings:
        output.warn(
            f"lint {finding.severity} {finding.rule} at {finding.file}:{finding.line}: "
            f"{finding.message} -- {finding.fix}"
        )


def _attach_kind_commands() -> None:
    """Kinds whose `add` takes options of its own (not `-o key=value`)."""
    from gitmigrate.cli.commands.add_env import add_env_command

    add.add_command(add_env_command)


_attach_kind_commands()
