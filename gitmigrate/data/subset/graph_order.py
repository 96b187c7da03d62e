"""load_order: the tables of a subset in an order that loads with foreign keys enforced.

Parents come before children. A cycle (a strongly connected component of more than one table,
found with networkx) cannot be ordered as it is: it is broken at nullable foreign keys (loaded
NULL and set once every table is loaded) or, where a cycle has none, at DEFERRABLE ones (a
PostgreSQL source's; Edge.deferrable, nullable False: loaded with the constraint deferred).
Few edges are broken: the smallest set of breakable table pairs whose removal leaves the
component acyclic, the fewest deferrable among those (exhaustive over small components, greedy
with a pruning pass over large ones). Two cycles sharing a table (one component) are one
problem, not two. A cycle with neither cannot load at all: a UsageError names it.

Self references are not ordered here: the closure orders a table's rows parent first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from itertools import combinations
from typing import TYPE_CHECKING

import networkx as nx

from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.errors import UsageError

if TYPE_CHECKING:
    from gitmigrate.data.subset.graph import SourceGraph

_EXHAUSTIVE = 14  # nullable pairs in one component up to which every subset is tried

Pair = tuple[QName, QName]  # (parent, child)


def load_order(graph: SourceGraph, included: Collection[QName]) -> tuple[list[QName], list[Edge]]:
    """(tables in load order, edges to load NULL and fix up afterwards)."""
    wanted = set(included)
    pairs: dict[Pair, list[Edge]] = {}
    for edge in graph.edges:
        if edge.child in wanted and edge.parent in wanted and edge.child != edge.parent:
            pairs.setdefault((edge.parent, edge.child), []).append(edge)
    return order_pairs(wanted, pairs)


def order_pairs(
    tables: Iterable[QName], pairs: dict[Pair, list[Edge]]
) -> tuple[list[QName], list[Edge]]:
    """load_order on a graph given as (parent, child) -> foreign keys."""
    dag = nx.DiGraph()
    dag.add_nodes_from(tables)
    dag.add_edges_from(pairs)
    broken: list[Pair] = []
    for component in sorted(
        nx.strongly_connected_components(dag), key=lambda c: sorted(map(table_order, c))
    ):
        if len(component) > 1:
            broken += _break(component, pairs)
    dag.remove_edges_from(broken)
    order = list(nx.lexicographical_topological_sort(dag, key=_sort_label))
    edges = [e for pair in sorted(broken, key=_pair_order) for e in pairs[pair]]
    return order, edges


def _sort_label(table: QName) -> str:
    return table.label


def table_order(table: QName) -> tuple[str, str]:
    """Sort key of a table: QName's own order fails when the default schema (None) meets a
    named one."""
    return (table.schema or "", table.name)


def _pair_order(pair: Pair) -> tuple[tuple[str, str], tuple[str, str]]:
    return (table_order(pair[0]), table_order(pair[1]))


def _break(component: set[QName], pairs: dict[Pair, list[Edge]]) -> list[Pair]:
    inside = sorted((p for p in pairs if p[0] in component and p[1] in component), key=_pair_order)
    breakable = [p for p in inside if all(e.nullable or e.deferrable for e in pairs[p])]
    late = {p for p in breakable if not all(e.nullable for e in pairs[p])}  # deferrable only
    fixed = nx.DiGraph([p for p in inside if p not in breakable])
    try:
        cycle = nx.find_cycle(fixed)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle is not None:
        raise _unbreakable([(u, v) for u, v, *_ in cycle], pairs)
    if len(breakable) <= _EXHAUSTIVE:
        for size in range(1, len(breakable) + 1):
            found = [c for c in combinations(breakable, size) if _acyclic(inside, set(c))]
            if found:
                return list(min(found, key=lambda c: sum(p in late for p in c)))
    return _greedy(inside, breakable, late)


def _acyclic(inside: list[Pair], removed: set[Pair]) -> bool:
    return bool(nx.is_directed_acyclic_graph(nx.DiGraph([p for p in inside if p not in removed])))


def _greedy(inside: list[Pair], breakable: list[Pair], late: set[Pair]) -> list[Pair]:
    """Break a breakable pair of a remaining cycle (a nullable one if it has one), repeatedly;
    then put back any pair whose return makes no cycle."""
    removed: list[Pair] = []
    graph = nx.DiGraph(inside)
    while True:
        try:
            cycle = [(u, v) for u, v, *_ in nx.find_cycle(graph)]
        except nx.NetworkXNoCycle:
            break
        choices = [p for p in cycle if p in breakable]  # one exists: checked
        choice = min(choices, key=lambda p: p in late)
        graph.remove_edge(*choice)
        removed.append(choice)
    for pair in list(removed):
        graph.add_edge(*pair)
        if nx.is_directed_acyclic_graph(graph):
            removed.remove(pair)
        else:
            graph.remove_edge(*pair)
    return removed


def _unbreakable(cycle: list[Pair], pairs: dict[Pair, list[Edge]]) -> UsageError:
    tables = ", ".join(
        t.label for t in sorted({t for pair in cycle for t in pair}, key=table_order)
    )
    keys = "; ".join(
        e.label for pair in cycle for e in pairs[pair] if not (e.nullable or e.deferrable)
    )
    return UsageError(
        f"tables {tables} form a cycle of foreign keys with no nullable or deferrable edge: {keys}",
        "make one of them nullable or deferrable, or leave a table out",
    )
