"""`git migrate add KIND --option key=value ...`: a step of any installed kind that has no
command of its own (a plug-in kind), authored by the kind itself (`Kind.author`)."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import UsageError


class KindGroup(click.Group):
    """`add`'s subcommands: its own (`add sql`), else one generic command per installed kind."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        return kind_command(cmd_name) if cmd_name in api.kinds() else None


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--option {text!r} is not key=value", "write e.g. --option label=v2")
    return key.strip(), value


def kind_command(kind: str) -> click.Command:
    @click.command(kind)
    @click.option("-o", "--option", "pairs", multiple=True, metavar="KEY=VALUE",
                  help="An option of the kind (repeatable).")  # fmt: skip
    @click.option("--irreversible", help="Why no rollback can exist.")
    @click.option("--dialect", help="sqlite, postgresql or mysql (default: the project's).")
    @click.option("-m", "--message", "summary", required=True, help="What the step does.")
    @click.pass_context
    def command(
        ctx: click.Context,
        pairs: tuple[str, ...],
        irreversible: str | None,
        dialect: str | None,
        summary: str,
    ) -> None:
        options = dict(_pair(p) for p in pairs)
        step = api.add_step(
            repo_from(ctx), kind, summary=summary, options=options, dialect=dialect,
            irreversible=irreversible,
        ).step  # fmt: skip
        output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
        if step.irreversible:
            output.warn(f"{step.id} is irreversible: {step.irreversible}")

    command.help = f"Add a {kind} step (options as the {kind} kind documents them)."
    return command
