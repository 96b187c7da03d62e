"""`git migrate help [COMMAND...]`: the help of git-migrate or of one of its commands.

`git migrate --help` is answered by git itself with the man page; this command prints the same
help as text wherever man is missing, and reaches nested commands (`help data add`).
"""

from __future__ import annotations

import click

from gitmigrate.errors import UsageError


@click.command("help")
@click.argument("words", nargs=-1, metavar="[COMMAND]...")
@click.pass_context
def help_command(ctx: click.Context, words: tuple[str, ...]) -> None:
    """Show the help of git migrate or of one COMMAND: `help apply`, `help data add`."""
    parent = ctx.find_root()
    command: click.Command = parent.command
    for depth, word in enumerate(words):
        listing = " ".join(["git migrate help", *words[:depth]])
        found = command.get_command(parent, word) if isinstance(command, click.Group) else None
        if found is None or found.hidden:
            raise UsageError(
                f"no command {word!r} in {parent.command_path}", f"`{listing}` lists them"
            )
        command = found
        parent = click.Context(command, info_name=word, parent=parent)
    click.echo(parent.get_help())
