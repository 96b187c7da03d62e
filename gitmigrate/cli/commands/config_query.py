"""`git migrate config history|diff|explain|validate`: the read-only config commands. Each is
one API call (gitmigrate.api.config_query) and its rendering; secret values arrive hidden."""

from __future__ import annotations

import json
from typing import Any

import click

from gitmigrate.api import config_query as api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_BLOCKED

HIDDEN = "(secret: changed, not shown)"
HIDDEN_VALUE = "(secret: not shown)"


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


@click.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the two differ (as git diff).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def config_diff_command(ctx: click.Context, a: str, b: str, exit_code: bool, as_json: bool) -> None:
    """Differences from A to B per key path (files, or REV:path; any two formats). Secret
    keys and encrypted values show as changed, without their values."""
    result = api.config_diff(repo_from(ctx), a=a, b=b)
    if as_json:
        output.print_json(result.to_json())
    elif not result.changes:
        output.info(f"{result.a} and {result.b} hold the same configuration")
    for change in [] if as_json else result.changes:
        key = change.to_json()["key"]
        if change.hidden:
            output.info(f"~ {key}: {change.what} (secret: not shown)")
        elif change.what == "added":
            output.info(f"+ {key} = {show_value(change.new)}")
        elif change.what == "removed":
            output.info(f"- {key} (was {show_value(change.old)})")
        else:
            output.info(f"~ {key}: {show_value(change.old)} -> {show_value(change.new)}")
    if exit_code and result.changes:
        ctx.exit(1)


@click.command("explain")
@click.argument("key")
@click.argument("files", nargs=-1)
@click.option("--env", "env", metavar="NAME", help="An environment of .gitmigrate.toml.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def config_explain_command(
    ctx: click.Context, key: str, files: tuple[str, ...], env: str | None, as_json: bool
) -> None:
    """KEY's value in an environment's merged config (or in FILES layered, base first), and
    the file and line each layer gave it."""
    found = api.config_explain(repo_from(ctx), key=key, env=env, files=files)
    if as_json:
        output.print_json(found.to_json())
        return
    where = f"env {found.env}" if found.env else " + ".join(found.files)
    if not found.present:
        value = "(deleted by a layer)"
    else:
        value = HIDDEN_VALUE if found.hidden else show_value(found.value)
    output.info(f"{key} = {value}    ({where})")
    for layer in found.layers:
        shown = HIDDEN_VALUE if layer.hidden else show_value(layer.value)
        line = f":{layer.line}" if layer.line else ""
        output.info(f"  {layer.file}{line}: {layer.action} {shown}")


@click.command("validate")
@click.argument("file", required=False)
@click.option("--env", "env", metavar="NAME", help="Validate this environment's merged config.")
@click.option("--schema", metavar="SCHEMA", help="JSON Schema file (default: the env's schema).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def config_validate_command(
    ctx: click.Context, file: str | None, env: str | None, schema: str | None, as_json: bool
) -> None:
    """Check FILE, an environment's merged config, or every environment against a JSON Schema
    (Draft 2020-12); each problem with its key path, file and line. Exit 3 when invalid."""
    result = api.config_validate(repo_from(ctx), file=file, env=env, schema=schema)
    if as_json:
        output.print_json(result.to_json())
    else:
        for problem in result.problems:
            at = f"{problem.file}:{problem.line}: " if problem.file and problem.line else ""
            output.info(f"{at}{problem.key}: {problem.message}  [{problem.where}]")
        for what, schema_path in result.checked:
            bad = sum(1 for p in result.problems if p.where == what)
            status = f"{bad} problem(s)" if bad else "valid"
            output.info(f"{what}: {status} against {schema_path}")
    if not result.passed:
        ctx.exit(EXIT_BLOCKED)
