"""Clusters of a module graph suggested as service boundaries, found by networkx's community
detection on the undirected graph weighted by use (imported names + call sites): Louvain with a
fixed seed by default, or greedy modularity merging stopped at exactly N communities when N is
asked for. Nodes and edges go in sorted, so the same package always gives the same clusters.

Modules with no edge inside the package are listed apart (isolated) rather than made clusters
of their own. Besides the clusters: the boundaries (imports and calls from one cluster into
another), the shared modules (imported from every other cluster: library candidates), the cycles
between clusters, and the modularity of the partition (networkx's, same weights)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.platform.split_graph import ModuleGraph
from gitmigrate.platform.split_model import Boundary, CallSite, Cluster

SEED = 17  # Louvain's shuffles are seeded: a report never changes between runs
MAX_CYCLES = 50
CYCLE_LENGTH = 4


@dataclass(frozen=True)
class Partition:
    clusters: tuple[Cluster, ...]
    isolated: tuple[str, ...]
    method: str
    modularity: float
    notes: tuple[str, ...]


def undirected(graph: ModuleGraph) -> Any:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(sorted({m for e in graph.edges for m in (e.source, e.target)}))
    for edge in graph.edges:  # sorted already; a -> b and b -> a add up
        if g.has_edge(edge.source, edge.target):
            g[edge.source][edge.target]["weight"] += edge.weight
        else:
            g.add_edge(edge.source, edge.target, weight=edge.weight)
    return g


def partition(graph: ModuleGraph, package: str, clusters: int | None) -> Partition:
    import networkx as nx

    g = undirected(graph)
    isolated = tuple(m for m in graph.modules if m not in g)
    if clusters is not None and not 1 <= clusters <= max(g.number_of_nodes(), 1):
        raise UsageError(
            f"--clusters {clusters}: the package has {g.number_of_nodes()} connected module(s)",
            f"ask for 1 to {g.number_of_nodes()} clusters",
        )
    if g.number_of_nodes() == 0:
        note = "no module of the package imports another: nothing to cluster"
        return Partition((), isolated, "none", 0.0, (note,))
    notes: list[str] = []
    if clusters is None:
        found = nx.community.louvain_communities(g, weight="weight", seed=SEED)
        method = f"louvain_communities(weight=names+calls, seed={SEED})"
    else:
        found = nx.community.greedy_modularity_communities(
            g, weight="weight", cutoff=clusters, best_n=clusters
        )
        method = f"greedy_modularity_communities(weight=names+calls, cutoff=best_n={clusters})"
        if len(found) != clusters:
            parts = nx.number_connected_components(g)
            notes.append(f"asked for {clusters} clusters, found {len(found)}: the graph has"
                         f" {parts} connected part(s), which are never merged")  # fmt: skip
    score = round(float(nx.community.modularity(g, found, weight="weight")), 4)
    return Partition(_named(found, package), isolated, method, score, tuple(notes))


def _named(found: Iterable[Iterable[str]], package: str) -> tuple[Cluster, ...]:
    groups = sorted((sorted(group) for group in found), key=lambda ms: (-len(ms), ms[0]))
    taken: set[str] = set()
    named: list[Cluster] = []
    for modules in groups:
        base = _common_part(modules, package)
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        named.append(Cluster(name, tuple(modules)))
    return tuple(named)


def _common_part(modules: Sequence[str], package: str) -> str:
    """The first package part below the root most modules share (`orders` of shop.orders.api)."""
    parts = Counter(
        (m[len(package) + 1 :].split(".")[0] if m != package else package.rpartition(".")[2])
        for m in modules
    )
    return sorted(parts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def boundaries(graph: ModuleGraph, clusters: Sequence[Cluster]) -> tuple[Boundary, ...]:
    """Per ordered pair of clusters, the imports and calls from the first into the second."""
    owner = {m: c.name for c in clusters for m in c.modules}
    imports: dict[tuple[str, str], list[tuple[str, str]]] = {}
    calls: dict[tuple[str, str], list[CallSite]] = {}
    for edge in graph.edges:
        a, b = owner.get(edge.source), owner.get(edge.target)
        if a is not None and b is not None and a != b:
            imports.setdefault((a, b), []).append((edge.source, edge.target))
    for call in graph.calls:
        a, b = owner.get(call.caller_module), owner.get(call.callee_module)
        if a is not None and b is not None and a != b:
            calls.setdefault((a, b), []).append(call)
    order = {c.name: i for i, c in enumerate(clusters)}
    pairs = sorted(set(imports) | set(calls), key=lambda p: (order[p[0]], order[p[1]]))
    return tuple(
        Boundary(a, b, tuple(imports.get((a, b), ())), tuple(calls.get((a, b), ())))
        for a, b in pairs
    )


def shared_modules(graph: ModuleGraph, clusters: Sequence[Cluster]) -> tuple[str, ...]:
    """Modules imported from every cluster but their own (two clusters at least)."""
    if len(clusters) < 2:
        return ()
    owner = {m: c.name for c in clusters for m in c.modules}
    importers: dict[str, set[str]] = {}
    for edge in graph.edges:
        if edge.source in owner and edge.target in owner:
            importers.setdefault(edge.target, set()).add(owner[edge.source])
    everyone = set(owner.values())
    return tuple(m for m in sorted(importers) if importers[m] - {owner[m]} == everyone - {owner[m]})


def cluster_cycles(
    bounds: Sequence[Boundary], clusters: Sequence[Cluster]
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """Cycles between clusters (up to CYCLE_LENGTH long, at most MAX_CYCLES), each starting at
    its first cluster in report order; and a note when some were left out."""
    import networkx as nx

    order = {c.name: i for i, c in enumerate(clusters)}
    d = nx.DiGraph()
    d.add_nodes_from(c.name for c in clusters)
    d.add_edges_from((b.source, b.target) for b in bounds)
    found: list[tuple[str, ...]] = []
    for cycle in nx.simple_cycles(d, length_bound=CYCLE_LENGTH):
        start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
        found.append(tuple(cycle[start:] + cycle[:start]))
    found.sort(key=lambda c: (len(c), [order[n] for n in c]))
    notes: tuple[str, ...] = ()
    if len(found) > MAX_CYCLES:
        notes = (f"{len(found)} cluster cycles of length <= {CYCLE_LENGTH}: the first"
                 f" {MAX_CYCLES} are listed",)  # fmt: skip
    return tuple(found[:MAX_CYCLES]), notes
