"""`git migrate env secrets check [FROM [TO]]` and `env secrets copy FROM TO [--name N]...
[--yes]`: one API call each (gitmigrate.api.env_secrets) and its rendering. Names only: no
value is ever shown."""

from __future__ import annotations

import click

from gitmigrate.api import env_secrets as api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_BLOCKED


@click.group("secrets")
def env_secrets_command() -> None:
    """Which secret names environments need and have; copy values between them."""


@env_secrets_command.command("check")
@click.argument("source", metavar="[FROM]", required=False)
@click.argument("target", metavar="[TO]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def check(ctx: click.Context, source: str | None, target: str | None, as_json: bool) -> None:
    """The names each environment needs ([environments.X] secrets) and has (an encrypted value
    in its config files); with FROM and TO, what TO lacks that FROM could give. Exit 3 when a
    name is missing or in clear text."""
    result = api.env_secrets_check(repo_from(ctx), a=source, b=target)
    if as_json:
        output.print_json(result.to_json())
    else:
        rows = []
        for env in result.envs:
            for name in env.needs:  # the other encrypted names are in --json's "has"
                state = ("PLAINTEXT" if name in env.plaintext else "has" if name in env.has
                         else "MISSING")  # fmt: skip
                where = ", ".join(sorted({f.file for f in env.found.get(name, ())}))
                rows.append((env.env, name, state, where))
        output.table("secrets needed", ("env", "name", "state", "in"), rows)
        if result.copyable:
            first, second = result.envs[0].env, result.envs[1].env
            output.info(f"copy what {second} lacks: git migrate env secrets copy {first} {second}")
    if not result.ok:
        ctx.exit(EXIT_BLOCKED)


@env_secrets_command.command("copy")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--name", "names", multiple=True, metavar="N", help="Copy only this (repeatable).")
@click.option("--yes", is_flag=True, help="Replace values TO has already.")
@click.option("-m", "--message", "summary", help="Step summary.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def copy(ctx: click.Context, source: str, target: str, names: tuple[str, ...], yes: bool,
         summary: str | None, as_json: bool) -> None:  # fmt: skip
    """Copy secret values from FROM to TO, re-encrypted for TO's keys, as a config step on
    the current migration branch. FROM's key: the variable its keys.key_env names."""
    result = api.env_secrets_copy(repo_from(ctx), source=source, target=target, names=names,
                                  yes=yes, summary=summary)  # fmt: skip
    if as_json:
        output.print_json(result.to_json())
        return
    verb = "created" if result.created else "updated"
    output.info(f"copied {', '.join(result.names)} from {source} to {target}: {verb}"
                f" {result.file} in step {result.step.id} ({(result.step.commit or '')[:12]})")  # fmt: skip
