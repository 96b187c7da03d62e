"""`git migrate data verify`: prove two tables hold the same rows, without pulling either into
Python.

As reladiff/data-diff do: checksum key segments on both sides (counts and md5s computed by each
database), compare, bisect only the segments that differ, and fetch key + row hash only for
small differing segments. An integer key is cut into arithmetic buckets, (key - base) / width,
so a whole table is one GROUP BY per side; other keys (composite, text, dates) are cut at every
N-th key of the fuller side. The two sides run concurrently (a SQLite connection stays on the
calling thread, which created it), so a verify takes about as long as the slower side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection

from gitmigrate.data.rowhash import INT
from gitmigrate.data.verify_plan import TablePlan, plan_table
from gitmigrate.data.verify_side import Bound, Checksum, Side

T = TypeVar("T")
BISECT = 16  # sub-segments per differing segment
LEAF_ROWS = 1024  # a differing segment this small is compared row by row (key + md5)
MAX_BUCKETS = 20000  # integer keys: widen the buckets of a sparse key rather than make more


@dataclass(frozen=True)
class TableVerification:
    source_table: str
    target_table: str
    source_rows: int
    target_rows: int
    segments: int  # segments checksummed at the top level
    differing_keys: tuple[tuple[Any, ...], ...]  # in both, with different values
    missing_in_target: tuple[tuple[Any, ...], ...]
    extra_in_target: tuple[tuple[Any, ...], ...]
    unmatched_columns: tuple[str, ...]
    seconds: float
    key: tuple[str, ...] = ()
    truncated: bool = False  # more keys differ than listed (lists cut, or the search stopped)
    source_dialect: str = ""
    target_dialect: str = ""
    # keys found in each list before any cut (at least this many when the search stopped)
    differing_count: int = 0
    missing_count: int = 0
    extra_count: int = 0
    complete: bool = True  # the search ran to the end: the counts are exact

    @property
    def rows_equal(self) -> bool:
        return (
            self.source_rows == self.target_rows
            and not self.differing_keys
            and not self.missing_in_target
            and not self.extra_in_target
            and not self.truncated
        )

    @property
    def equal(self) -> bool:
        """Same rows in every paired column, and no column on one side only."""
        return self.rows_equal and not self.unmatched_columns

    def to_json(self) -> dict[str, Any]:
        return {
            "source_table": self.source_table,
            "target_table": self.target_table,
            "source_dialect": self.source_dialect,
            "target_dialect": self.target_dialect,
            "key": list(self.key),
            "source_rows": self.source_rows,
            "target_rows": self.target_rows,
            "segments": self.segments,
            "equal": self.equal,
            "differing_keys": [list(k) for k in self.differing_keys],
            "missing_in_target": [list(k) for k in self.missing_in_target],
            "extra_in_target": [list(k) for k in self.extra_in_target],
            "unmatched_columns": list(self.unmatched_columns),
            "differing_count": self.differing_count,
            "missing_count": self.missing_count,
            "extra_count": self.extra_count,
            "truncated": self.truncated,
            "counts_exact": self.complete,
            "seconds": round(self.seconds, 3),
        }


def verify_table(
    source: Connection,
    target: Connection,
    source_table: str,
    target_table: str | None = None,
    *,
    key: tuple[str, ...] | None = None,
    key_range: tuple[tuple[Any, ...] | None, tuple[Any, ...] | None] | None = None,
    segment_rows: int = 10000,
    max_differences: int = 100,
) -> TableVerification:
    """Compare `source_table` with `target_table` (default: the same name, matched ignoring
    case and underscores); `key_range=(after, upto)` keeps keys > after and <= upto."""
    started = time.perf_counter()
    plan = plan_table(source, target, source_table, target_table, key)
    pair = _Pair(Side(source, plan, "source"), Side(target, plan, "target"))
    diff = _Differences(plan, max_differences)
    try:
        pair.both(lambda side: side.prepare())
        walk = _walk_integer if plan.integer_key else _walk_generic
        rows, segments = walk(pair, diff, key_range, max(1, segment_rows))
    finally:
        try:
            pair.both(lambda side: side.finish())
        finally:
            pair.close()
    changed, missing, extra = diff.result()
    counts = diff.counts()
    return TableVerification(
        source_table=plan.source.table,
        target_table=plan.target.table,
        source_rows=rows[0],
        target_rows=rows[1],
        segments=segments,
        differing_keys=changed,
        missing_in_target=missing,
        extra_in_target=extra,
        unmatched_columns=plan.unmatched,
        seconds=time.perf_counter() - started,
        key=plan.source.key,
        truncated=diff.truncated or any(n > max_differences for n in counts),
        source_dialect=plan.source.dialect,
        target_dialect=plan.target.dialect,
        differing_count=counts[0],
        missing_count=counts[1],
        extra_count=counts[2],
        complete=not diff.truncated,
    )


class _Pair:
    """Run one callable on both sides at once; SQLite sides stay on this thread."""

    def __init__(self, source: Side, target: Side) -> None:
        self.sides = (source, target)
        remote = [i for i, s in enumerate(self.sides) if s.dialect != "sqlite"]
        self.worker = remote[-1] if remote else None
        self.pool = ThreadPoolExecutor(max_workers=1) if self.worker is not None else None

    def both(self, fn: Callable[[Side], T]) -> tuple[T, T]:
        if self.pool is None or self.worker is None:
            return fn(self.sides[0]), fn(self.sides[1])
        future = self.pool.submit(fn, self.sides[self.worker])
        here = fn(self.sides[1 - self.worker])
        there = future.result()
        return (there, here) if self.worker == 0 else (here, there)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)


@dataclass
class _Differences:
    """Row-level findings of the leaves, reconciled at the end: a key seen missing in one leaf
    and extra in another (two sides ordering it differently) is one row, not two."""

    plan: TablePlan
    limit: int
    changed: set[tuple[str, ...]] = field(default_factory=set)
    only_source: dict[tuple[str, ...], str] = field(default_factory=dict)
    only_target: dict[tuple[str, ...], str] = field(default_factory=dict)
    truncated: bool = False

    def add(self, source: dict[tuple[str, ...], str], target: dict[tuple[str, ...], str]) -> None:
        for k, h in source.items():
            other = target.get(k)
            if other is None:
                self.only_source[k] = h
            elif other != h:
                self.changed.add(k)
        for k, h in target.items():
            if k not in source:
                self.only_target[k] = h

    @property
    def full(self) -> bool:
        return len(self.changed) + len(self.only_source) + len(self.only_target) >= self.limit

    def _sets(self) -> tuple[set[tuple[str, ...]], ...]:
        changed = set(self.changed)
        for k in set(self.only_source) & set(self.only_target):
            if self.only_source[k] != self.only_target[k]:
                changed.add(k)
        missing = set(self.only_source) - set(self.only_target)
        extra = set(self.only_target) - set(self.only_source)
        return changed, missing, extra

    def result(self) -> tuple[tuple[tuple[Any, ...], ...], ...]:
        """The first `limit` keys of each list, in key order."""
        return tuple(self._values(keys) for keys in self._sets())

    def counts(self) -> tuple[int, int, int]:
        """How many keys each list had before the cut (a leaf adds all its rows at once)."""
        changed, missing, extra = self._sets()
        return len(changed), len(missing), len(extra)

    def _values(self, keys: set[tuple[str, ...]]) -> tuple[tuple[Any, ...], ...]:
        ints = [self.plan.canons[i].family == INT for i in self.plan.key_index]
        typed = [
            tuple(int(v) if is_int else v for v, is_int in zip(k, ints, strict=True)) for k in keys
        ]
        return tuple(sorted(typed)[: self.limit])


def _hashes(bounds: list[Bound]) -> Callable[[Side], dict[tuple[str, ...], str]]:
    return lambda side: side.row_hashes(bounds)


def _buckets(base: int, width: int, start: int, stop: int) -> Callable[[Side], dict[int, Checksum]]:
    return lambda side: side.buckets(base, width, start, stop)


def _checksums(segments: list[tuple[Any, Any]]) -> Callable[[Side], dict[int, Checksum]]:
    return lambda side: {i: side.checksum(_segment_bounds(*s)) for i, s in enumerate(segments)}


def _differs(a: dict[Any, Checksum], b: dict[Any, Checksum]) -> list[tuple[Any, int]]:
    """Segments whose checksums differ, with the larger row count of the two."""
    out = []
    for segment in sorted(set(a) | set(b), key=repr):
        left, right = a.get(segment, (0, None)), b.get(segment, (0, None))
        if left != right:
            out.append((segment, max(left[0], right[0])))
    return out


def _walk_integer(
    pair: _Pair, diff: _Differences, key_range: Any, segment_rows: int
) -> tuple[tuple[int, int], int]:
    bounds = _segment_bounds(*(key_range or (None, None)))
    extents = pair.both(lambda side: side.key_extent(bounds))
    lows = [e[0] for e in extents if e[0] is not None]
    highs = [e[1] for e in extents if e[1] is not None]
    if not lows or not highs:
        return (0, 0), 0
    start, stop = min(lows), max(highs) + 1
    width = max(segment_rows, -(-(stop - start) // MAX_BUCKETS))
    sums = pair.both(_buckets(start, width, start, stop))
    rows = (sum(c for c, _ in sums[0].values()), sum(c for c, _ in sums[1].values()))
    queue = [
        (start + b * width, min(stop, start + (b + 1) * width), n)
        for b, n in _differs(sums[0], sums[1])
    ]
    while queue:
        if diff.full:
            diff.truncated = True
            break
        lo, hi, n = queue.pop(0)
        if n <= LEAF_ROWS or hi - lo <= BISECT:
            leaf: list[Bound] = [(">=", (lo,)), ("<", (hi,))]
            diff.add(*pair.both(_hashes(leaf)))
            continue
        sub = -(-(hi - lo) // BISECT)
        parts = pair.both(_buckets(lo, sub, lo, hi))
        queue.extend(
            (lo + b * sub, min(hi, lo + (b + 1) * sub), m) for b, m in _differs(parts[0], parts[1])
        )
    return rows, len(set(sums[0]) | set(sums[1]))


def _segment_bounds(after: Any, upto: Any) -> list[Bound]:
    bounds: list[Bound] = []
    if after is not None:
        bounds.append((">", tuple(after)))
    if upto is not None:
        bounds.append(("<=", tuple(upto)))
    return bounds


def _split(pair: _Pair, after: Any, upto: Any, every: int) -> list[tuple[Any, Any]]:
    """Cut (after, upto] at every `every`-th key of whichever side has more keys there."""
    points = pair.both(lambda side: side.boundaries(_segment_bounds(after, upto), every))
    cuts = max(points, key=len)
    if cuts and upto is not None and cuts[-1] == tuple(upto):
        cuts = cuts[:-1]
    edges = [after, *cuts, upto]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _walk_generic(
    pair: _Pair, diff: _Differences, key_range: Any, segment_rows: int
) -> tuple[tuple[int, int], int]:
    after, upto = key_range or (None, None)
    segments = _split(pair, after, upto, segment_rows)
    sums = pair.both(_checksums(segments))
    rows = (sum(c for c, _ in sums[0].values()), sum(c for c, _ in sums[1].values()))
    queue = [(segments[i], n) for i, n in _differs(sums[0], sums[1])]
    while queue:
        if diff.full:
            diff.truncated = True
            break
        (lo, hi), n = queue.pop(0)
        subs = _split(pair, lo, hi, -(-n // BISECT)) if n > LEAF_ROWS else []
        if len(subs) <= 1:
            leaf = _segment_bounds(lo, hi)
            diff.add(*pair.both(_hashes(leaf)))
            continue
        parts = pair.both(_checksums(subs))
        queue.extend((subs[i], m) for i, m in _differs(parts[0], parts[1]))
    return rows, len(segments)
