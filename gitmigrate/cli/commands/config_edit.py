"""`git migrate config set|unset|rename|move|convert|merge`: each commits one config step with
its rollback (`--print` shows what it would commit instead). FILE paths are relative to the
current directory; with --target, relative to that outside tree."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

F = TypeVar("F", bound=Callable[..., Any])


def _common(func: F) -> F:
    """The options every changing config command has."""
    for decorator in reversed(
        [
            click.option(
                "-m",
                "--message",
                "summary",
                help="What the step does (default: said from the command).",
            ),  # fmt: skip
            click.option(
                "--target",
                "-t",
                help="An outside tree of .gitmigrate.toml to change"
                " (default: the repository; the step commit is the change).",
            ),  # fmt: skip
            click.option(
                "--schema",
                type=click.Path(dir_okay=False),
                help="JSON Schema the result must satisfy (apply checks it).",
            ),  # fmt: skip
            click.option(
                "--print",
                "print_only",
                is_flag=True,
                help="Show the step (its key-level diff) instead of committing it.",
            ),  # fmt: skip
            click.option("--json", "as_json", is_flag=True, help="Machine-readable result."),
        ]
    ):
        func = decorator(func)
    return func


def _path(name: str, target: str | None) -> str:
    """FILE as the API takes it: absolute from the current directory (`-C DIR`'s, when given)
    for repository files, or as given (relative to an outside tree)."""
    if target not in (None, "."):
        return name
    base = repo_from(click.get_current_context())
    return os.path.abspath(os.path.join(base or os.curdir, name))


def _schema(schema: str | None) -> str | None:
    return None if schema is None else _path(schema, None)


def _render(result: api.ConfigStep, as_json: bool) -> None:
    if as_json:
        output.print_json(result.to_json())
        return
    if result.step is not None:
        step = result.step
        output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
        return
    preview = result.preview
    assert preview is not None
    output.info(f"would add a config step: {preview.summary} (nothing committed)")
    for change in preview.changes:
        output.info(f"  {change.line()}")
    for loss in preview.losses:
        output.info(f"  LOST {loss.file}: {loss.key}: {loss.reason}")
    if preview.diff:
        output.write(preview.diff)


@click.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("file")
@click.argument("key")
@click.argument("value")
@click.option("--string", "as_string", is_flag=True, help="Take VALUE as a string, as typed.")
@click.option("--env", help="An environment of .gitmigrate.toml (its schema applies).")
@_common
@click.pass_context
def config_set_command(
    ctx: click.Context, file: str, key: str, value: str, as_string: bool, env: str | None,
    summary: str | None, target: str | None, schema: str | None, print_only: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Set KEY (a.b[0].c) in FILE to VALUE (8080, true, null, [1, 2], {"a": 1} or text),
    leaving every other line byte-identical."""
    result = api.config_set(
        repo_from(ctx), _path(file, target), key, value, parse=not as_string, summary=summary,
        target=target, schema=_schema(schema), env=env, print_only=print_only,
    )  # fmt: skip
    _render(result, as_json)


@click.command("unset")
@click.argument("file")
@click.argument("key")
@click.option("--env", help="An environment of .gitmigrate.toml (its schema applies).")
@_common
@click.pass_context
def config_unset_command(
    ctx: click.Context, file: str, key: str, env: str | None, summary: str | None,
    target: str | None, schema: str | None, print_only: bool, as_json: bool,
) -> None:  # fmt: skip
    """Remove KEY from FILE."""
    result = api.config_unset(
        repo_from(ctx), _path(file, target), key, summary=summary, target=target,
        schema=_schema(schema), env=env, print_only=print_only,
    )  # fmt: skip
    _render(result, as_json)


@click.command("rename")
@click.argument("file")
@click.argument("old")
@click.argument("new")
@click.option("--env", help="An environment of .gitmigrate.toml (its schema applies).")
@_common
@click.pass_context
def config_rename_command(
    ctx: click.Context, file: str, old: str, new: str, env: str | None, summary: str | None,
    target: str | None, schema: str | None, print_only: bool, as_json: bool,
) -> None:  # fmt: skip
    """Rename the key OLD to NEW in FILE (same parent: NEW is the new name)."""
    result = api.config_rename(
        repo_from(ctx), _path(file, target), old, new, summary=summary, target=target,
        schema=_schema(schema), env=env, print_only=print_only,
    )  # fmt: skip
    _render(result, as_json)


@click.command("move")
@click.argument("file")
@click.argument("old")
@click.argument("new")
@click.option("--env", help="An environment of .gitmigrate.toml (its schema applies).")
@_common
@click.pass_context
def config_move_command(
    ctx: click.Context, file: str, old: str, new: str, env: str | None, summary: str | None,
    target: str | None, schema: str | None, print_only: bool, as_json: bool,
) -> None:  # fmt: skip
    """Move the value at OLD to the key path NEW in FILE (parents created)."""
    result = api.config_move(
        repo_from(ctx), _path(file, target), old, new, summary=summary, target=target,
        schema=_schema(schema), env=env, print_only=print_only,
    )  # fmt: skip
    _render(result, as_json)


@click.command("convert")
@click.argument("source")
@click.option("--to", "to", required=True, type=click.Choice(["yaml", "json", "toml", "ini", "env"]),
              help="The format to convert to.")  # fmt: skip
@click.option("--out", help="Write here and keep SOURCE (default: replace SOURCE).")
@click.option("--lossy", is_flag=True, help="Drop what the format cannot hold (the step lists it).")
@_common
@click.pass_context
def config_convert_command(
    ctx: click.Context, source: str, to: str, out: str | None, lossy: bool, summary: str | None,
    target: str | None, schema: str | None, print_only: bool, as_json: bool,
) -> None:  # fmt: skip
    """Convert SOURCE to another format, keeping comments and key order where it can."""
    result = api.config_convert(
        repo_from(ctx), _path(source, target), to=to,
        out=_path(out, target) if out is not None else None, lossy=lossy, summary=summary,
        target=target, schema=_schema(schema), print_only=print_only,
    )  # fmt: skip
    _render(result, as_json)


@click.command("merge")
@click.argument("files", nargs=-1)
@click.option("--env", help="Merge this environment's config files (.gitmigrate.toml).")
@click.option("--out", required=True, help="The merged file to write.")
@_common
@click.pass_context
def config_merge_command(
    ctx: click.Context, files: tuple[str, ...], env: str | None, out: str, summary: str | None,
    target: str | None, schema: str | None, print_only: bool, as_json: bool,
) -> None:  # fmt: skip
    """Merge layered files (BASE OVERLAY..., or --env's) into --out.

    Later files win; maps deep-merge; lists replace unless marked (YAML !append/!delete, a
    __merge__ table in TOML/JSON)."""
    result = api.config_merge(
        repo_from(ctx), [_path(f, target) for f in files], out=_path(out, target), env=env,
        summary=summary, target=target, schema=_schema(schema), print_only=print_only,
    )  # fmt: skip
    _render(result, as_json)
