"""The rows of a self-referencing table in load order: a row's parent before the row.

Rows are layered (Kahn's algorithm): first the rows whose self-referenced parent is absent
(NULL, or the row itself), then the rows whose parents are all placed, and so on; each layer
sorted by key so the order is the same every run. Rows that reference each other in a loop
cannot be layered: the table's self references are then deferred (nullable ones loaded NULL and
set afterwards, DEFERRABLE ones checked at commit); a loop through a self reference that is
neither is a UsageError.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gitmigrate.data.subset.model import Edge, Key, QName
from gitmigrate.errors import UsageError


def sort_key(key: Key) -> tuple[tuple[bool, str, Any], ...]:
    """Keys sort by value; NULLs (a --key column may hold them) and mixed types do not fail."""
    return tuple((v is None, type(v).__name__, "" if v is None else v) for v in key)


def sorted_keys(keys: Iterable[Key]) -> list[Key]:
    """Keys in sort_key order; plain tuple order when it is the same (no NULL, one type per
    column), which is several times faster on a million keys."""
    found = list(keys)
    try:
        if all(None not in k for k in found):
            return sorted(found)
    except TypeError:  # mixed types in a column (SQLite)
        pass
    return sorted(found, key=sort_key)


def order_rows(
    table: QName,
    wanted: Sequence[str],
    key: Sequence[str],
    self_edges: Sequence[Edge],
    rows: Sequence[tuple[Any, ...]],
) -> tuple[list[Key], list[Edge]]:
    """(keys parent first, self edges to defer) for `rows` (tuples over `wanted`)."""
    key_at = [wanted.index(c) for c in key]
    keys = [tuple(r[i] for i in key_at) for r in rows]
    parents: dict[Key, set[Key]] = {k: set() for k in keys}
    for edge in self_edges:
        ref_at = [wanted.index(c) for c in edge.ref_columns]
        col_at = [wanted.index(c) for c in edge.columns]
        by_ref = {tuple(r[i] for i in ref_at): k for r, k in zip(rows, keys, strict=True)}
        for row, k in zip(rows, keys, strict=True):
            parent = by_ref.get(tuple(row[i] for i in col_at))
            if parent is not None and parent != k:
                parents[k].add(parent)
    children: dict[Key, list[Key]] = {}
    for k, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(k)
    waiting = {k: len(ps) for k, ps in parents.items()}
    layer = sorted((k for k, n in waiting.items() if n == 0), key=sort_key)
    order: list[Key] = []
    while layer:
        order += layer
        following = []
        for k in layer:
            for child in children.get(k, ()):
                waiting[child] -= 1
                if waiting[child] == 0:
                    following.append(child)
        layer = sorted(following, key=sort_key)
    if len(order) == len(keys):
        return order, []
    blocking = [e for e in self_edges if not (e.nullable or e.deferrable)]
    if blocking:
        raise UsageError(
            f"rows of {table.label} reference each other in a loop through a NOT NULL foreign "
            f"key that is not deferrable: {'; '.join(e.label for e in blocking)}",
            "make it nullable or deferrable, or narrow the roots so the loop is not copied",
        )
    return sorted(keys, key=sort_key), list(self_edges)
