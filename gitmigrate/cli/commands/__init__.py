"""One module per command; `COMMANDS` names each one explicitly, and `LazyGroup` imports a
command's module only when that command runs, so `git migrate log` does not pay for
SQLAlchemy, which only the commands that touch a database import."""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" under gitmigrate.cli.commands, in help order
COMMANDS: dict[str, str] = {
    "init": "init:init",
    "start": "start:start",
    "add": "add:add",
    "list": "listing:list_command",
    "status": "status:status",
    "apply": "apply:apply",
    "resume": "apply:resume",
    "rollback": "rollback:rollback",
    "verify": "verify:verify",
    "log": "log:log",
    "show": "show:show",
    "diff": "diff:diff",
    "plan": "plan:plan",
    "schema": "schema:schema",
    "data": "data:data",
    "config": "config:config",
    "code": "code:code",
    "api": "api:api",
    "env": "env:env",
    "platform": "platform:platform",
    "cleanup": "cleanup:cleanup",
    "repair": "repair:repair",
    "push": "push_fetch:push",
    "fetch": "push_fetch:fetch",
    "review": "review:review",
    "hook": "hook:hook",
    "help": "help:help_command",
}


def load_command(name: str) -> click.Command | None:
    spec = COMMANDS.get(name)
    if spec is None:
        return None
    module, _, attribute = spec.partition(":")
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    assert isinstance(command, click.Command), spec
    return command


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click sorts by name; keep the order of COMMANDS, which follows a migration's life.
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names), default=0)
        rows = []
        for name in names:
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
