"""compute_closure: which rows of which tables a subset copies, closed under foreign keys.

Starting from the roots' rows (sampled to --percent by a stable hash of each key), every parent
of every included row comes along — through composite keys, keys to unique non-key columns,
across schemas, up self references — and, for the tables named in `follow`, their children
(then the children's parents in turn). The walk is a fixed point over "rows of table T whose
columns C are in this set of values": each such question is one batched query that returns the
rows' keys and the columns the next questions need, so a row is read once and never alone.

The result is a Closure in load order (graph_order.py), a self-referencing table's rows
ordered parent first; keys are held in memory (a million is fine).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from gitmigrate.data.subset.closure_read import batch_size, root_rows, rows_matching, sampled
from gitmigrate.data.subset.closure_rows import order_rows, sort_key, sorted_keys
from gitmigrate.data.subset.graph import SourceGraph
from gitmigrate.data.subset.graph_order import load_order, table_order
from gitmigrate.data.subset.model import Closure, Key, QName, Root, SubsetTable
from gitmigrate.errors import UsageError

Lookup = tuple[QName, tuple[str, ...]]  # rows of a table by some of its columns


def compute_closure(
    conn: Connection,
    graph: SourceGraph,
    roots: Sequence[Root],
    *,
    percent: float | None = None,
    follow: Sequence[str] = (),
    chunk: int = 1000,
) -> Closure:
    """The rows to copy (see the module docstring): roots, sampled to `percent`; their parents;
    the children of tables in `follow` ("*": every table)."""
    if percent is not None and not 0 < percent <= 100:
        raise UsageError(f"--percent {percent} is out of range", "give a number in (0, 100]")
    if not roots and percent is None:
        raise UsageError("a subset needs a root", 'name one with --root "TABLE [WHERE …]"')
    walk = _Walk(conn, graph, _follow(graph, follow), chunk)
    if roots:
        for root in roots:
            walk.root(root, percent, required=True)
    else:
        for table in sorted((t for t in graph.tables if t.schema is None), key=table_order):
            walk.root(Root(table, None, table.label), percent, required=False)
    walk.run()
    return walk.closure()


def _follow(graph: SourceGraph, follow: Sequence[str]) -> set[QName]:
    if any(f.strip() == "*" for f in follow):
        return set(graph.tables)
    return {graph.resolve(f) for f in follow}


class _Walk:
    """The fixed point: included keys per table and the lookups still to run."""

    def __init__(self, conn: Connection, graph: SourceGraph, follow: set[QName], chunk: int):
        self.conn = conn
        self.graph = graph
        self.follow = follow
        self.chunk = chunk
        self.keys: dict[QName, dict[Key, None]] = {}
        self.pending: dict[Lookup, dict[Key, None]] = {}
        self.asked: dict[Lookup, set[Key]] = {}
        self.self_rows: dict[QName, list[tuple[Any, ...]]] = {}  # rows of self-referencing tables
        self._wanted: dict[QName, tuple[str, ...]] = {}
        self._selfish = {e.child for e in graph.edges if e.child == e.parent}

    def wanted(self, table: QName) -> tuple[str, ...]:
        """The columns read for each row: its key, its foreign keys' columns, and the columns its
        children reference when they are followed (or it references itself)."""
        found = self._wanted.get(table)
        if found is None:
            names = list(self.graph.key(table))
            for edge in self.graph.parents(table):
                names += edge.columns
            for edge in self.graph.children(table):
                if table in self.follow or edge.child == table:
                    names += edge.ref_columns
            found = self._wanted[table] = tuple(dict.fromkeys(names))
        return found

    def root(self, root: Root, percent: float | None, *, required: bool) -> None:
        table = self.graph.resolve(root.table)
        wanted = self.wanted(table)
        rows = root_rows(self.conn, root, table, wanted)
        if not rows and required:
            raise UsageError(
                f"root {root.text!r} selects no rows",
                "loosen its WHERE condition or name another root",
            )
        if percent is not None:
            at = _positions(wanted, self.graph.key(table))
            before = len(rows)
            rows = [r for r in rows if sampled(tuple(r[i] for i in at), percent)]
            if not rows and required:
                raise UsageError(
                    f"root {root.text!r}: none of its {before} rows is in a {percent}% sample",
                    "raise --percent",
                )
        self.add(table, rows)

    def add(self, table: QName, rows: list[tuple[Any, ...]]) -> None:
        """Include rows (tuples over wanted(table)) and ask for what they reach (the per-row
        loop touches only local lists and dicts: it runs a million times)."""
        wanted = self.wanted(table)
        key_at = _positions(wanted, self.graph.key(table))
        included = self.keys.setdefault(table, {})
        reach = [(e.parent, e.ref_columns, e.columns) for e in self.graph.parents(table)]
        if table in self.follow:
            reach += [(e.child, e.columns, e.ref_columns) for e in self.graph.children(table)]
        targets = [(_positions(wanted, own), *self._target((t, cols))) for t, cols, own in reach]
        kept = self.self_rows.setdefault(table, []) if table in self._selfish else None
        for row in rows:
            key = tuple([row[i] for i in key_at])
            if key in included:
                continue
            included[key] = None
            if kept is not None:
                kept.append(row)
            for at, known, asked, pending in targets:
                values = tuple([row[i] for i in at])
                if None in values or values in asked or (known is not None and values in known):
                    continue  # MATCH SIMPLE: a NULL in the key references nothing
                asked.add(values)
                pending[values] = None

    def _target(self, lookup: Lookup) -> tuple[dict[Key, None] | None, set[Key], dict[Key, None]]:
        """(keys included already, when the lookup is by key; values asked; values pending)."""
        table, columns = lookup
        known = self.keys.setdefault(table, {}) if columns == self.graph.key(table) else None
        asked = self.asked.setdefault(lookup, set())
        return known, asked, self.pending.setdefault(lookup, {})

    def run(self) -> None:
        while self.pending:
            lookup = min(self.pending, key=lambda item: (item[0].label, item[1]))
            values = list(self.pending.pop(lookup))
            if not values:
                continue
            table, columns = lookup
            wanted = self.wanted(table)
            size = batch_size(self.graph.dialect, self.chunk, len(columns))
            for start in range(0, len(values), size):
                batch = values[start : start + size]
                self.add(table, rows_matching(self.conn, table, wanted, columns, batch))

    def closure(self) -> Closure:
        tables = [t for t, keys in self.keys.items() if keys]
        order, broken = load_order(self.graph, tables)
        in_closure = set(order)
        edges = tuple(
            e for e in self.graph.edges if e.child in in_closure and e.parent in in_closure
        )
        keys: dict[QName, list[Key]] = {}
        all_broken = list(broken)
        for table in order:
            self_edges = [e for e in self.graph.parents(table) if e.parent == table]
            if self_edges:
                keys[table], deferred = order_rows(
                    table,
                    self.wanted(table),
                    self.graph.key(table),
                    self_edges,
                    self.self_rows.get(table, []),
                )
                all_broken += deferred
            else:
                keys[table] = sorted_keys(self.keys[table])
        subset_tables = tuple(
            SubsetTable(
                source=t,
                key=self.graph.key(t),
                columns=self.graph.columns(t),
                rows=len(keys[t]),
                deferred=tuple(e for e in all_broken if e.child == t),
            )
            for t in order
        )
        return Closure(subset_tables, keys, edges, tuple(all_broken))


def _positions(wanted: Sequence[str], columns: Sequence[str]) -> list[int]:
    return [wanted.index(c) for c in columns]


__all__ = ["compute_closure", "sort_key"]
