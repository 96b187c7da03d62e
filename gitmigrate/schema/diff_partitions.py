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
from gitmigrate.schema.model import Index, PrimaryKey, Table

Fold = Callable[[str], str]


def recreated(
    cur: dict[str, Table], des: dict[str, Table], kept: list[str], dialect: str
) -> set[str]:
    """Kept PostgreSQL tables whose partitioning changes (regular <-> partitioned, another key):
    no ALTER does it, so they are dropped and created again (as migra does). MySQL repartitions
    in place (`ALTER TABLE ... PARTITION BY`, mysql_partitions.py)."""
    if dialect != "postgresql":
        return set()
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


def comparable(
    old: Table, new: Table, cur: dict[str, Table], des: dict[str, Table], fold: Fold
) -> tuple[Table, Table]:
    """The two sides as the per-table diff should see them. A partition staying in its parent
    takes its columns from the parent: not diffed here. A partition that leaves its parent
    keeps its copies of the parent's keys, indexes and checks as its own (so the diff drops
    those the table no longer wants); a table that joins one gets them (so it gains those it
    lacks, which the attach takes over)."""
    before, after = _placement(old, fold), _placement(new, fold)
    if before is not None and after is not None and before[0] == after[0]:
        return old, replace(new, columns=old.columns)
    if before is not None and before[0] in cur:
        old = with_copies(old, cur[before[0]], new)
    if after is not None and after[0] in des:
        new = with_copies(new, des[after[0]], old)
    return old, new


def with_copies(table: Table, parent: Table, other: Table) -> Table:
    """`table` with its own copies of `parent`'s primary key, unique constraints, foreign keys,
    checks and indexes, as a partition has them: named as in `other` where it has the same,
    else as PostgreSQL names them."""
    pk = table.primary_key
    if pk is None and parent.primary_key is not None:
        name = other.primary_key.name if other.primary_key else None
        pk = PrimaryKey(parent.primary_key.columns, name or _pg_name(table.name, "pkey"))
    uniques = list(table.unique_constraints)
    for u in parent.unique_constraints:
        if all(x.columns != u.columns for x in uniques):
            same = [x.name for x in other.unique_constraints if x.columns == u.columns]
            uniques.append(replace(u, name=(same or [_pg_name(table.name, *u.columns, "key")])[0]))
    indexes = list(table.indexes)
    for ix in parent.indexes:
        if all(_index_body(x) != _index_body(ix) for x in indexes):
            alike = [x.name for x in other.indexes if _index_body(x) == _index_body(ix)]
            parts = ("expr",) if ix.expressions else ix.columns
            indexes.append(replace(ix, name=(alike or [_pg_name(table.name, *parts, "idx")])[0]))
    return replace(
        table,
        primary_key=pk,
        unique_constraints=tuple(uniques),
        indexes=tuple(sorted(indexes, key=lambda i: i.name)),
        foreign_keys=table.foreign_keys
        + tuple(fk for fk in parent.foreign_keys if fk not in table.foreign_keys),
        checks=table.checks + tuple(c for c in parent.checks if c not in table.checks),
    )


def _index_body(index: Index) -> Index:
    return replace(index, name="")


def _pg_name(*parts: str) -> str:
    """PostgreSQL's generated name (ChooseRelationName without its clash counter)."""
    name = "_".join(parts)
    return name.encode()[:63].decode(errors="ignore")


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
