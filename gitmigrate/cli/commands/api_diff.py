"""`git migrate api diff OLD NEW` (every change with oasdiff's id and level; exit 3 at or
above --fail-on) and `git migrate api notices OLD NEW` (who must act, on what, by when).
OLD and NEW are spec files or REV:path (`main:openapi.yaml`)."""

from __future__ import annotations

from pathlib import Path

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_BLOCKED

_FORMATS = ("text", "markdown", "json", "junit", "sarif")


def _cwd(ctx: click.Context) -> Path:
    return (repo_from(ctx) or Path.cwd()).resolve()


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="How to print the changes.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["ERR", "WARN", "INFO"], case_sensitive=False),
    default="ERR",
    show_default=True,
    help="Exit 3 when a change is at this level or above.",
)
@click.option("--today", metavar="DATE", help="The date sunset checks compare with (YYYY-MM-DD).")
@click.option("--allow-remote", is_flag=True, help="Follow $refs to http(s) URLs.")
@click.pass_context
def api_diff_command(ctx: click.Context, old: str, new: str, fmt: str, fail_on: str,
                     today: str | None, allow_remote: bool) -> None:  # fmt: skip
    """The changes from OLD to NEW (spec files or REV:path), each with oasdiff's id and a level:
    ERR breaking, WARN potentially breaking, INFO; removals before their sunset date too."""
    report = api.api_diff(repo_from(ctx), old, new, fail_on=fail_on, today=today,
                          allow_remote=allow_remote, cwd=_cwd(ctx))  # fmt: skip
    output.write(report.render(fmt))
    if report.blocking:
        ctx.exit(EXIT_BLOCKED)


@click.command("notices")
@click.argument("old")
@click.argument("new")
@click.option("--today", metavar="DATE", help="The date sunset checks compare with (YYYY-MM-DD).")
@click.option("--allow-remote", is_flag=True, help="Follow $refs to http(s) URLs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@click.pass_context
def api_notices_command(ctx: click.Context, old: str, new: str, today: str | None,
                        allow_remote: bool, as_json: bool) -> None:  # fmt: skip
    """For each consumer in [api.consumers] of .gitmigrate.toml: the changes from OLD to NEW
    to the operations it uses that it must act on, and by when (the sunset dates)."""
    result = api.api_notices(repo_from(ctx), old, new, today=today, allow_remote=allow_remote,
                             cwd=_cwd(ctx))  # fmt: skip
    if as_json:
        output.print_json(result.to_json())
    else:
        output.write(result.text())
