"""`git migrate platform split [PACKAGE]`: the module graph of a Python package, clusters
suggested as service boundaries, and the calls that would cross them. A report, not a rewrite."""

from __future__ import annotations

import os

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


def _short(module: str, package: str) -> str:
    return module[len(package) + 1 :] if module.startswith(package + ".") else module


@click.command("split")
@click.argument("package", required=False)
@click.option("--clusters", type=click.IntRange(min=1), metavar="N",
              help="Ask for exactly N clusters (greedy modularity) instead of Louvain's choice.")  # fmt: skip
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True,
              help="Crossing calls shown per boundary (0: all; --json always has all).")  # fmt: skip
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@click.option("--json", "as_json", is_flag=True, help="The whole report as JSON.")
@click.pass_context
def platform_split_command(
    ctx: click.Context, package: str | None, clusters: int | None, limit: int, jobs: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Suggest where the Python package PACKAGE (a directory or dotted name; default: the one
    package at the repository root or under src/) could split into services: its module graph
    (imports and calls via LibCST), clusters by community detection (networkx), the calls that
    would cross each boundary, shared modules, cycles and the modularity. Changes nothing."""
    base = repo_from(ctx)
    if package is not None and os.path.exists(os.path.join(base or os.curdir, package)):
        package = os.path.abspath(os.path.join(base or os.curdir, package))
    report = api.platform_split(base, package, clusters=clusters, jobs=jobs)
    for problem in report.problems:
        output.warn(f"{problem.where()}: {problem.message} (left out of the graph)")
    if as_json:
        output.print_json(report.to_json())
        return
    p = report.package
    output.info(
        f"{p} ({report.path}): {len(report.modules)} modules, {len(report.edges)} import edges,"
        f" {len(report.clusters)} clusters by {report.method}, modularity {report.modularity}"
    )
    if report.clusters:
        members = [
            (c.name, str(len(c.modules)), ", ".join(_short(m, p) for m in c.modules))
            for c in report.clusters
        ]
        output.table("clusters", ("cluster", "modules", "members"), members)
    if report.boundaries:
        crossing = [
            (f"{b.source} -> {b.target}", str(len(b.imports)), str(len(b.calls)))
            for b in report.boundaries
        ]
        output.table("boundaries", ("crossing", "imports", "calls"), crossing)
    for b in report.boundaries:
        if not b.calls:
            continue
        output.info(f"{b.source} -> {b.target}: {len(b.calls)} call(s) would become API calls")
        shown = b.calls if limit == 0 else b.calls[:limit]
        for c in shown:
            output.info(f"  {_short(c.caller(), p)} {c.where()} -> {_short(c.callee(), p)}")
        if len(shown) < len(b.calls):
            output.info(f"  ... {len(b.calls) - len(shown)} more (--limit 0 or --json: all)")
    if report.shared:
        output.info("shared (imported from every other cluster; library candidates): "
                    + ", ".join(_short(m, p) for m in report.shared))  # fmt: skip
    for cycle in report.cycles:
        output.info("cycle: " + " -> ".join((*cycle, cycle[0])))
    if report.isolated:
        output.info("isolated (no import to or from the package): "
                    + ", ".join(_short(m, p) for m in report.isolated))  # fmt: skip
    for note in report.notes:
        output.info(f"note: {note}")
