"""`git migrate env diff A B` and `env sync FROM TO`: parse, one API call, render.

`env diff` exits 0 when the environments agree and 3 when they drift (or a health URL could
not be read), as `config validate` and the other checks do; 1 stays for errors such as an
unreachable database, so a script can tell "drift" from "could not look".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.commands.run_options import console_reporter
from gitmigrate.cli.context import repo_from
from gitmigrate.cli.progress import confirm_if_tty
from gitmigrate.errors import EXIT_BLOCKED

if TYPE_CHECKING:
    from gitmigrate.api import EnvDiff

SECRET = "(secret)"


@click.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--timeout", default=5.0, show_default=True, help="Seconds per health URL.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def env_diff_command(ctx: click.Context, a: str, b: str, timeout: float, as_json: bool) -> None:
    """One drift report between environments A and B: schema, applied steps, config keys,
    secret names and service versions. Exit 3 when they drift."""
    report = api.env_diff(repo_from(ctx), a=a, b=b, timeout=timeout)
    if as_json:
        output.print_json(report.to_json())
    else:
        render_diff(report)
    if not report.clean:
        ctx.exit(EXIT_BLOCKED)


def _show(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def render_diff(r: EnvDiff) -> None:
    a, b = r.a, r.b
    sections: list[tuple[str, list[str], str | None]] = []
    schema = r.schema
    dialects = f" ({schema.dialects[0]} / {schema.dialects[1]})" if schema.compared else ""
    sections.append((f"schema{dialects}", schema.lines((a, b)), schema.note))
    steps = r.steps
    lines = [f"applied on {a} only: {s}" for s in steps.only_a]
    lines += [f"applied on {b} only: {s}" for s in steps.only_b]
    lines += [f"{c.step}: applied on both from different files" for c in steps.checksums]
    lines += [f"{s}: not in this checkout's tree" for s in steps.not_in_tree]
    sections.append(("applied steps", lines, steps.note))
    lines = []
    for key in r.config.keys:
        if key.secret:
            side = a if key.what == "a" else b
            lines.append(f"{key.key} = {SECRET} only in {side}")
        elif key.what == "changed":
            lines.append(f"{key.key}: {_show(key.a)} ({a}) != {_show(key.b)} ({b})")
        else:
            side, value = (a, key.a) if key.what == "a" else (b, key.b)
            lines.append(f"{key.key} = {_show(value)} only in {side}")
    sections.append(("config", lines, r.config.note))
    lines = [
        f"{n.name}: {a} {_needs(n.a_needs, n.a_has)}, {b} {_needs(n.b_needs, n.b_has)}"
        for n in r.secrets.names
        if n.drifted
    ]
    sections.append(("secrets (names only)", lines, None))
    lines = [
        f"{s.service}: {a} {_version(s.a)}, {b} {_version(s.b)}"
        for s in r.versions.services
        if s.drifted
    ]
    none = None if r.versions.services else "no health URLs"
    sections.append(("service versions", lines, none))
    for title, found, note in sections:
        output.info(f"{title}: {note or ('no drift' if not found else '')}".rstrip())
        for line in found:
            output.info(f"  {line}")
    for finding in r.findings:
        output.warn(finding)
    count = sum(len(found) for _title, found, _note in sections)
    verdict = "no drift" if r.clean else f"{count} difference(s), {len(r.findings)} finding(s)"
    output.info(f"{a} -> {b}: {verdict}")


def _needs(needs: bool, has: bool) -> str:
    if needs:
        return "needs it and has it" if has else "needs it but it is missing"
    return "does not need it" + (" (has one)" if has else "")


def _version(probe: Any) -> str:
    if probe is None:
        return "(no such URL)"
    return str(probe.version or probe.error or "(no version reported)")


@click.command("sync")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--only", type=click.Choice(["schema", "steps", "config"]), help="One section.")
@click.option("--dry-run", is_flag=True, help="Change nothing; show what would be done.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow", multiple=True, metavar="RULE", help="Let this lint rule's errors through.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def env_sync_command(
    ctx: click.Context,
    source: str,
    target: str,
    only: str | None,
    dry_run: bool,
    yes: bool,
    allow: tuple[str, ...],
    as_json: bool,
) -> None:
    """Make TO like FROM: apply the steps FROM has and TO lacks, then write (and apply) steps
    for the schema and config drift no step explains. Asks first (--yes for scripts)."""
    result = api.env_sync(
        repo_from(ctx), source=source, target=target, only=only, dry_run=dry_run, yes=yes,
        allow=allow, confirm=confirm_if_tty(),
        progress=None if as_json else console_reporter(dry_run=dry_run, as_json=False,
                                                       no_progress=False),
    )  # fmt: skip
    if as_json:
        output.print_json(result.to_json())
        return
    plan = result.plan
    for note in (*plan.notes, *result.notes):
        output.warn(note)
    for line in [*plan.not_in_tree]:
        output.warn(f"{line} is applied on {source} but not in this checkout's tree: not synced")
    for line in [*plan.checksums, *plan.config.skipped]:
        output.warn(line)
    if result.nothing_to_do:
        left = plan.notes or plan.not_in_tree or plan.checksums or plan.config.skipped
        verdict = "nothing env sync can do (see above)" if left else "in sync"
        output.info(f"{source} -> {target}: {verdict}")
        return
    if dry_run:
        output.info(f"dry run: env sync {source} -> {target} would")
        for line in result.lines():
            output.info(f"  {line}")
        if result.ddl:
            output.write(result.ddl)
        return
    for step in result.applied:
        output.info(f"applied {step} to {target}")
    for step in result.written:
        output.info(f"wrote {step}")
    for step in result.recorded:
        output.info(f"recorded {step} as applied on {source} (it has that schema already)")
