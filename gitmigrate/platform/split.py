"""`platform split`: where a Python monolith could split into services. Reads the package's
module graph (split_graph), clusters it (split_cluster) and reports the boundaries, the calls that
would cross them and become API calls, the shared modules and the cycles. A report, never a
rewrite (seed 4.2.3): no file is changed.

    report = split_package(Path("."), "src/shop")            # Louvain, seeded
    report = split_package(Path("."), "shop", clusters=4)    # exactly 4 clusters if possible
    report.clusters; report.boundaries; report.to_json()
"""

from __future__ import annotations

from pathlib import Path

from gitmigrate.platform.split_cluster import (
    boundaries,
    cluster_cycles,
    partition,
    shared_modules,
)
from gitmigrate.platform.split_graph import build_graph
from gitmigrate.platform.split_model import SplitReport
from gitmigrate.platform.split_source import find_package, package_modules, package_name


def split_package(
    root: Path, package: str | None = None, *, clusters: int | None = None, jobs: int | None = None
) -> SplitReport:
    """The split report of `package` (a directory or dotted name; default: the one package at
    `root` or under `root/src`; `jobs` worker processes parse it, default one per core).
    UsageError for a package that does not exist or a bad N."""
    root = root.resolve()
    directory = find_package(root, package)
    name = package_name(directory)
    modules = package_modules(directory, name)
    graph = build_graph(modules, root, jobs=jobs)
    parts = partition(graph, name, clusters)
    bounds = boundaries(graph, parts.clusters)
    cycles, cycle_notes = cluster_cycles(bounds, parts.clusters)
    where = (
        directory.relative_to(root).as_posix() if directory.is_relative_to(root) else str(directory)
    )
    return SplitReport(
        package=name,
        path=where,
        modules=graph.modules,
        edges=graph.edges,
        clusters=parts.clusters,
        isolated=parts.isolated,
        method=parts.method,
        requested=clusters,
        modularity=parts.modularity,
        boundaries=bounds,
        shared=shared_modules(graph, parts.clusters),
        cycles=cycles,
        problems=graph.problems,
        notes=parts.notes + cycle_notes,
    )
