"""`git migrate config history|diff|explain|validate`: the read-only config commands. Each is
one API call (gitmigrate.api.config_query) and its rendering; secret values arrive hidden."""

from __future__ import annotations

import json
from typing import Any

import click

from gitmigrate.api import config_query as api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

HIDDEN = "(secret: changed, not shown)"


def show_value(value: Any) -> str:
    """A config value on one line, as JSON writes it (strings quoted, None as null)."""
    return json.dumps(value, default=str, ensure_ascii=False)


@click.command("history")
@click.argument("key")
@click.argument("file", required=False)
@click.option("--rev", default="HEAD", show_default=True, help="Read history up to this commit.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def config_history_command(
    ctx: click.Context, key: str, file: str | None, rev: str, as_json: bool
) -> None:
    """Each value KEY had in FILE (or in every config file holding it), oldest first, with
    the commit and the step that set it; follows file renames, key renames and merges."""
    history = api.config_history(repo_from(ctx), key=key, file=file, rev=rev)
    if as_json:
        output.print_json(history.to_json())
        return
    if not history.entries:
        output.info(f"{key}: no value in the history of {history.file or 'any config file'}")
        return
    for entry in history.entries:
        if not entry.present:
            value = "(removed)"
        elif entry.hidden:
            value = HIDDEN
        else:
            value = show_value(entry.value)
        step = f" [{'rollback of ' if entry.rollback else ''}{entry.step}]" if entry.step else ""
        where = f"{entry.file}:{entry.to_json()['key']}"
        output.info(f"{entry.commit[:12]} {entry.date[:10]}{step} {where} = {value}")
        output.info(f"    {entry.subject}")
