"""PostgreSQL partitioning and INHERITS in a plan: which tables change partitioning (recreated),
which partitions are detached from or attached to a parent (bound changes are both), and
what a partition's own diff may look at (its columns are its parent's, changed there).

Detaches go before the table changes and attaches after the new tables, so a table can move
between parents, a new parent exists before its partitions attach, and the down plan (the
same operations reversed) is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from gitmigrate.schema import ops
from gitmigrate.schema.depends import parents
from gitmigrate.schema.model import Table

Fold = Callable[[str], str]


def recreated(cur: dict[str, Table], des: dict[str, Table], kept: list[str]) -> set[str]:
    """Kept tables whose partitioning changes (regular <-> partitioned, another key): no ALTER
    does it, so they are dropped and created again (as migra does)."""
    return {k for k in kept if cur[k].partition_by != des[k].partition_by}


def _placement(table: Table, fold: Fold) -> tuple[str, str] | None:
    if table.partition_of is None or table.partition_bound is None:
        return None
    return (fold(table.partition_of), table.partition_bound)


def moves(
    cur: dict[str, Table], des: dict[str, Table], kept: list[str], gone: set[str], fold: Fold
) -> tuple[list[ops.DetachPartition], list[ops.AttachPartition]]:
    """Detach a partition that leaves its parent, changes bound, or whose parent is recreated;
    attach one that joins a parent (again). `gone`: folded names dropped (or recreated)."""
    detach: list[ops.DetachPartition] = []
    attach: list[ops.AttachPartition] = []
    for key in kept:
        old, new = cur[key], des[key]
        before, after = _placement(old, fold), _placement(new, fold)
        parent_gone = before is not None and before[0] in gone
        if before == after and not parent_gone:
            continue
        if before is not None and old.partition_of and old.partition_bound:
            detach.append(ops.DetachPartition(old.partition_of, old.name, old.partition_bound))
        if after is not None and new.partition_of and new.partition_bound:
            attach.append(ops.AttachPartition(new.partition_of, new.name, new.partition_bound))
    return detach, attach


def comparable(old: Table, new: Table, fold: Fold) -> Table:
    """The desired table as the per-table diff should see it: a partition staying in its
    parent takes its columns from the parent, so they are not diffed here."""
    placed = _placement(old, fold)
    if placed is not None and placed[0] == (_placement(new, fold) or ("", ""))[0]:
        return replace(new, columns=old.columns)
    return new


def staying_partitions(
    cur: dict[str, Table], des: dict[str, Table], fold: Fold
) -> dict[str, tuple[str, ...]]:
    """Folded partitioned table -> its partitions attached before and after the plan (the ones
    an index on the parent must be built on, one by one, online)."""
    out: dict[str, list[str]] = {k: [] for k, t in des.items() if t.partition_by}
    for key, table in sorted(cur.items()):
        placed = _placement(table, fold)
        target = des.get(key)
        if placed is None or target is None or _placement(target, fold) != placed:
            continue
        if placed[0] in out and cur.get(placed[0]) is not None:
            out[placed[0]].append(table.name)
    return {k: tuple(v) for k, v in out.items()}


def with_partitions(
    operations: list[ops.Operation], partitioned: dict[str, tuple[str, ...]], fold: Fold
) -> list[ops.Operation]:
    """Index operations on a partitioned table, told its partitions (the online form)."""
    out: list[ops.Operation] = []
    for op in operations:
        if isinstance(op, ops.CreateIndex | ops.DropIndex) and fold(op.table) in partitioned:
            op = replace(op, partitions=partitioned[fold(op.table)])
        out.append(op)
    return out


def depth(table: Table, tables: dict[str, Table], fold: Fold) -> int:
    """How many parents (partitioned or INHERITS) stand above `table`: parents change first."""
    seen: set[str] = set()
    level = 0
    current = [table]
    while current:
        above = [tables[fold(p)] for t in current for p in parents(t) if fold(p) in tables]
        above = [t for t in above if fold(t.name) not in seen]
        seen.update(fold(t.name) for t in above)
        if not above:
            break
        level += 1
        current = above
    return level
