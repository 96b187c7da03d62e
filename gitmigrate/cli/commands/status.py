"""`git migrate status`."""

from __future__ import annotations

import time

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


@click.command()
@click.option("--target", "-t", help="Target name or URL (default: the project's default target).")
@click.option("--migration", "name", help="Migration name (default: the current branch's).")
@click.option("--watch", is_flag=True, help="Follow a running migration live (Ctrl-C to stop).")
@click.option(
    "--interval", type=float, default=1.0, show_default=True, help="Seconds between --watch polls."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(
    ctx: click.Context,
    target: str | None,
    name: str | None,
    watch: bool,
    interval: float,
    as_json: bool,
) -> None:
    """Per step: applied, pending, failed, in flight (with checkpoint), and drift."""
    if not watch:
        _render(api.status(repo_from(ctx), target=target, migration=name), as_json)
        return
    repo = api.open_repo(repo_from(ctx))
    previous: tuple[float, int] | None = None
    while True:
        current = api.watch_status(repo, target=target, migration=name)
        previous = _render_watch(current, previous)
        time.sleep(interval)


def _render(report: api.StatusReport, as_json: bool) -> None:
    if as_json:
        output.print_json(report.to_json())
        return
    status, lint = report.status, report.lint
    output.table(
        f"{status.target} ({status.dialect})",
        ["step", "summary", "state", "lint", "when", "by", "detail"],
        [
            [
                s.step_id,
                s.summary,
                s.state,
                _lint_cell(lint.get(s.step_id)),
                s.applied_at or "",
                s.applied_by or "",
                s.error
                or (f"{s.statements_done} statement(s) done" if s.state == "running" else ""),
            ]
            for s in status.steps
        ],
    )
    j = status.to_json()
    output.info(
        f"applied {j['applied']}, pending {j['pending']}, failed {j['failed']}, in flight {j['in_flight']}"
    )
    extra = ", ".join(f"{state} {j[state]}" for state in ("skipped", "abandoned") if j[state])
    if extra:
        output.info(extra)
    for s in status.steps:
        if s.note:  # a skipped or decided step: why, and the command that changes it
            output.info(f"{s.step_id}: {s.note}")
    for line in status.drift:
        output.warn(f"drift: {line}")
    for s in status.steps:
        if s.note:
            continue  # said above
        if s.state not in ("applied", "pending", "rolled_back") or s.changed:
            output.info(
                f"{s.step_id} ({s.state}): {s.next_why}" + (f": {s.next}" if s.next else "")
            )
    if status.next is not None:
        output.info(f"next: {status.next.command}")
    else:
        output.info("next: nothing to do")


def _lint_cell(counts: dict[str, int] | None) -> str:
    """ "2E 1W" (errors, warnings; "E!" when an error blocks apply), "" for a clean or non-SQL step."""
    if not counts:
        return ""
    cells = []
    if counts["errors"]:
        blocked = "!" if counts.get("blocking") else ""
        cells.append(f"{counts['errors']}E{blocked}")
    if counts["warnings"]:
        cells.append(f"{counts['warnings']}W")
    return " ".join(cells)


def _render_watch(
    report: api.StatusReport, previous: tuple[float, int] | None
) -> tuple[float, int]:
    status = report.status
    running = next((s for s in status.steps if s.state == "running"), None)
    done = status.count("applied")
    position = running.statements_done if running else 0
    rows = int((running.checkpoint or {}).get("rows_done", position)) if running else 0
    now = time.monotonic()
    rate = ""
    if previous is not None and now > previous[0] and rows >= previous[1]:
        rate = f", {(rows - previous[1]) / (now - previous[0]):.1f}/s"
    total = len(status.steps)
    where = f"running {running.step_id} at {position}{rate}" if running else "idle"
    output.info(f"{time.strftime('%H:%M:%S')} {status.target}: {done}/{total} applied; {where}")
    return (now, rows)
