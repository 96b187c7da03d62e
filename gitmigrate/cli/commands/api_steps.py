"""`git migrate api guide|adapter|deprecate`: each commits one api step on the migration
branch (the files it writes, with the rollback); `--print` shows what it would commit."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

_waive = click.option(
    "--waive",
    multiple=True,
    metavar="'ID at OP'",
    help="Accept a breaking change (repeatable); needs --reason.",
)
_reason = click.option("--reason", help="Why the waived changes are safe to make.")
_today = click.option("--today", metavar="DATE", help="The date sunset checks compare with.")
_print = click.option("--print", "print_only", is_flag=True, help="Show instead of committing.")
_message = click.option("-m", "--message", "summary", help="What the step does.")
_json = click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
_remote = click.option("--allow-remote", is_flag=True, help="Follow $refs to http(s) URLs.")


def _show(result: api.ApiStep, as_json: bool, what: str) -> None:
    if as_json:
        output.print_json(result.to_json())
        return
    if result.step is not None:
        step = result.step
        output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    else:
        assert result.preview is not None
        output.info(f"would add an api step: {result.preview.summary} (nothing committed)")
        for path, body in sorted(result.preview.files.items()):
            output.info(f"--- {path}")
            output.write(body.decode("utf-8", "replace"))
    for path in result.files:
        output.info(f"{what} {path}")
    for key in result.breaking:
        output.info(f"breaking: {key}")
    for warning in result.warnings:
        output.warn(warning)
    for key in result.manual:
        output.warn(f"the adapter cannot map {key}: a person must handle it (or waive it)")


@click.command("guide")
@click.argument("old")
@click.argument("new")
@click.option(
    "--out", metavar="FILE", help="Where the guide goes (default docs/api/migration-guide.md)."
)
@click.option("--title", help="The guide's title.")
@_waive
@_reason
@_today
@_print
@_message
@_json
@_remote
@click.pass_context
def api_guide_command(ctx: click.Context, old: str, new: str, out: str | None, title: str | None,
                      waive: tuple[str, ...], reason: str | None, today: str | None,
                      print_only: bool, summary: str | None, as_json: bool,
                      allow_remote: bool) -> None:  # fmt: skip
    """A Markdown migration guide from OLD to NEW for the API's consumers, per operation: what
    changed, why it breaks, request/response examples before and after, what to do."""
    result = api.api_guide(repo_from(ctx), old, new, out=out, title=title, waive=waive,
                           reason=reason, today=today, print_only=print_only,
                           allow_remote=allow_remote,
                           summary=summary or f"API migration guide {old} -> {new}")  # fmt: skip
    _show(result, as_json, "wrote")


@click.command("adapter")
@click.argument("old")
@click.argument("new")
@click.option("--out", metavar="DIR", required=True, help="Directory of the adapter's files.")
@click.option("--guide-url", metavar="URL", help="The guide the Link header points to.")
@_waive
@_reason
@_today
@_print
@_message
@_json
@_remote
@click.pass_context
def api_adapter_command(ctx: click.Context, old: str, new: str, out: str, guide_url: str | None,
                        waive: tuple[str, ...], reason: str | None, today: str | None,
                        print_only: bool, summary: str | None, as_json: bool,
                        allow_remote: bool) -> None:  # fmt: skip
    """An ASGI middleware (with its tests) serving OLD's requests on NEW's implementation;
    the breaking changes it cannot map are listed as manual."""
    result = api.api_adapter_step(repo_from(ctx), old, new, out=out, guide_url=guide_url,
                                  waive=waive, reason=reason, today=today, print_only=print_only,
                                  allow_remote=allow_remote,
                                  summary=summary or f"API adapter {old} -> {new}")  # fmt: skip
    _show(result, as_json, "wrote")


@click.command("deprecate")
@click.argument("spec")
@click.option(
    "--operation",
    required=True,
    metavar="OP",
    help="METHOD /path (GET /pets/{id}) or an operationId.",
)
@click.option("--sunset", required=True, metavar="DATE", help="The sunset date (YYYY-MM-DD).")
@click.option("--link", metavar="URL", help="Where consumers read about it (x-deprecation-link).")
@click.option(
    "--property",
    "prop",
    metavar="PATH",
    help="Deprecate this body property of the operation instead (owner.name).",
)
@_print
@_message
@_json
@click.pass_context
def api_deprecate_command(ctx: click.Context, spec: str, operation: str, sunset: str,
                          link: str | None, prop: str | None, print_only: bool,
                          summary: str | None, as_json: bool) -> None:  # fmt: skip
    """Mark OP (or one of its body properties) deprecated in SPEC with a sunset date, as a
    step; every other byte of the spec is kept."""
    target = operation + (f" {prop}" if prop else "")
    result = api.api_deprecate(repo_from(ctx), spec, operation=operation, sunset=sunset,
                               link=link, property=prop, print_only=print_only,
                               summary=summary or f"deprecate {target} (sunset {sunset})")  # fmt: skip
    _show(result, as_json, "changed")
