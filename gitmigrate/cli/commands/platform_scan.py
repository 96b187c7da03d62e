"""`git migrate platform scan` (what the repository runs on, per file:line) and `git migrate
platform map` (each service's equivalent on another cloud, from the services table). PATH is
relative to the current directory."""

from __future__ import annotations

import os

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

_CLOUDS = click.Choice(["aws", "gcp", "azure"])


def _path(ctx: click.Context, path: str | None) -> str | None:
    if path is None:
        return None
    return os.path.abspath(os.path.join(repo_from(ctx) or os.curdir, path))


@click.command("scan")
@click.argument("path", required=False)
@click.option("--json", "as_json", is_flag=True, help="The inventory as JSON.")
@click.pass_context
def platform_scan_command(ctx: click.Context, path: str | None, as_json: bool) -> None:
    """Inventory of the platform under PATH (default: the repository): Terraform providers,
    resources, data sources and modules, Compose services and volumes, Kubernetes objects,
    Dockerfile base images and ports, and cloud SDK clients in Python, each at file:line.
    A file that does not parse is reported at file:line:col; the scan goes on."""
    inventory = api.platform_scan(repo_from(ctx), _path(ctx, path))
    if as_json:
        output.print_json(inventory.to_json())
        return
    for item in inventory.items:
        output.info(f"{item.where()}  {item.provider}  {item.category}  {item.service}"
                    f"  ({item.resource})")  # fmt: skip
    for problem in inventory.problems:
        output.warn(str(problem))
    output.info(
        f"{len(inventory.items)} item(s), {len(inventory.services)} service(s) in"
        f" {len(inventory.files)} file(s); {len(inventory.problems)} problem(s)"
    )


@click.command("map")
@click.argument("path", required=False)
@click.option("--from", "source", type=_CLOUDS, default="aws", show_default=True,
              help="The cloud the repository uses now.")  # fmt: skip
@click.option("--to", "target", type=_CLOUDS, required=True, help="The cloud to move to.")
@click.option("--json", "as_json", is_flag=True, help="The mapping as JSON.")
@click.pass_context
def platform_map_command(
    ctx: click.Context, path: str | None, source: str, target: str, as_json: bool
) -> None:
    """For every --from service found under PATH, its --to equivalent from the services table:
    Terraform resource types on each side, feature gaps, confidence and sources. Services the
    table does not know are listed as unmapped."""
    mapping = api.platform_map(repo_from(ctx), _path(ctx, path), source=source, target=target)
    if as_json:
        output.print_json(mapping.to_json())
        return
    for entry in mapping.mapped:
        row = entry.row
        output.info(f"{row.names[source]} -> {row.names[target]}"
                    f"  [{row.category}, confidence {row.confidence}]")  # fmt: skip
        for key, to in entry.pairs:
            output.info(f"  terraform: {key} -> {to or 'no Terraform type (by hand)'}")
        if not entry.pairs:
            types = ", ".join(row.types(target)) or "none"
            output.info(f"  terraform on {target}: {types}")
        if entry.candidates:
            output.info(f"  one of: {', '.join(entry.candidates)} (the code does not say which)")
        output.info(f"  used at: {', '.join(entry.places)}")
        output.info(f"  gaps: {row.gaps}")
        output.info(f"  sources: {' '.join(row.sources)}")
    for entry in mapping.self_hosted:
        output.info(f"self-hosted {', '.join(entry.places)}: managed on {target}:"
                    f" {entry.row.names[target]} (confidence {entry.row.confidence})")  # fmt: skip
    for miss in mapping.unmapped:
        output.info(f"UNMAPPED {miss.item.where()} {miss.item.resource}: {miss.reason}")
    counts: dict[str, int] = {}
    for other in mapping.not_mapped:
        counts[other.reason] = counts.get(other.reason, 0) + 1
    for reason, count in sorted(counts.items()):
        output.info(f"not mapped: {count} x {reason}")
    output.info(
        f"{len(mapping.mapped)} service(s) mapped {source} -> {target},"
        f" {len(mapping.unmapped)} unmapped, {len(mapping.self_hosted)} self-hosted with a"
        f" managed equivalent"
    )
