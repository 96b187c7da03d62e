"""Which table, which columns and which key `data verify` compares on each side.

Names pair case-insensitively and ignoring underscores (SQLite's Chinook `InvoiceLine.AlbumId`
is PostgreSQL's `invoice_line.album_id`); columns found on one side only are reported, never
silently dropped; the key is `--key`, else the primary key, else a unique not-null key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, inspect

from gitmigrate.data.rowhash import INT, Canon, ColumnType, canonical, column_type
from gitmigrate.errors import UsageError


@dataclass(frozen=True)
class SidePlan:
    dialect: str
    table: str
    columns: tuple[str, ...]  # the paired columns, in the source's order
    types: tuple[ColumnType, ...]
    key: tuple[str, ...]


@dataclass(frozen=True)
class TablePlan:
    source: SidePlan
    target: SidePlan
    canons: tuple[Canon, ...]
    key_index: tuple[int, ...]  # positions of the key columns in `columns`
    unmatched: tuple[str, ...]

    @property
    def integer_key(self) -> bool:
        """A single integer key: segments are arithmetic buckets (key - base) / width."""
        return len(self.key_index) == 1 and self.canons[self.key_index[0]].family == INT

    def nullable(self, index: int) -> bool:
        return self.source.types[index].nullable or self.target.types[index].nullable


def fold(name: str) -> str:
    return name.replace("_", "").lower()


def resolve_table(conn: Connection, name: str, side: str) -> str:
    """The table's real name: exact, else the one equal ignoring case and underscores."""
    tables = inspect(conn).get_table_names()
    if name in tables:
        return name
    matches = [t for t in tables if fold(t) == fold(name)]
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(sorted(tables)) or "none"
    if matches:
        raise UsageError(
            f"table {name!r} is ambiguous on the {side} side: {', '.join(matches)}",
            "name it exactly, or use --map source:target",
        )
    raise UsageError(
        f"no table {name!r} on the {side} side",
        f"tables there: {shown}; use --map source:target when the names differ",
    )


def plan_table(
    source: Connection,
    target: Connection,
    source_table: str,
    target_table: str | None,
    key: tuple[str, ...] | None,
) -> TablePlan:
    src_name = resolve_table(source, source_table, "source")
    dst_name = resolve_table(target, target_table or source_table, "target")
    src_cols = _columns(source, src_name)
    dst_cols = _columns(target, dst_name)
    dst_by_fold = {fold(name): name for name in dst_cols}
    pairs = [(s, dst_by_fold[fold(s)]) for s in src_cols if fold(s) in dst_by_fold]
    paired_dst = {d for _, d in pairs}
    unmatched = tuple(
        [f"{s} (only in source {src_name})" for s in src_cols if fold(s) not in dst_by_fold]
        + [f"{d} (only in target {dst_name})" for d in dst_cols if d not in paired_dst]
    )
    key_src = _key(source, src_name, key, [s for s, _ in pairs], src_cols)
    if key_src is None:
        dst_key = _key(target, dst_name, None, [d for _, d in pairs], dst_cols)
        src_for = {d: s for s, d in pairs}
        key_src = tuple(src_for[d] for d in dst_key) if dst_key else None
    if not key_src:
        raise UsageError(
            f"table {src_name!r} has no primary key or unique not-null key to compare rows by",
            "pass --key COL (repeat it, or write COL1,COL2, for a composite key)",
        )
    dialects = (source.dialect.name, target.dialect.name)
    src_types = tuple(src_cols[s] for s, _ in pairs)
    dst_types = tuple(dst_cols[d] for _, d in pairs)
    names = [s for s, _ in pairs]
    return TablePlan(
        source=SidePlan(dialects[0], src_name, tuple(names), src_types, key_src),
        target=SidePlan(
            dialects[1],
            dst_name,
            tuple(d for _, d in pairs),
            dst_types,
            tuple(pairs[names.index(k)][1] for k in key_src),
        ),
        canons=tuple(canonical(s, d, dialects) for s, d in zip(src_types, dst_types, strict=True)),
        key_index=tuple(names.index(k) for k in key_src),
        unmatched=unmatched,
    )


def _columns(conn: Connection, table: str) -> dict[str, ColumnType]:
    return {
        c["name"]: column_type(c["type"], bool(c.get("nullable", True)))
        for c in inspect(conn).get_columns(table)
    }


def _key(
    conn: Connection,
    table: str,
    wanted: tuple[str, ...] | None,
    paired: list[str],
    columns: dict[str, ColumnType],
) -> tuple[str, ...] | None:
    """`wanted` matched to real names, else the primary key, else a unique not-null key."""
    if wanted:
        by_fold = {fold(c): c for c in paired}
        missing = [k for k in wanted if fold(k) not in by_fold]
        if missing:
            raise UsageError(
                f"--key {', '.join(missing)}: no such column on both sides of {table!r}",
                f"columns of {table}: {', '.join(paired)}",
            )
        return tuple(by_fold[fold(k)] for k in wanted)
    inspector = inspect(conn)
    pk = tuple(inspector.get_pk_constraint(table).get("constrained_columns") or ())
    if pk and all(c in paired for c in pk):
        return pk
    candidates = [tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)]
    for index in inspector.get_indexes(table):
        names = index["column_names"]
        if index["unique"] and all(n is not None for n in names):  # not expression indexes
            candidates.append(tuple(str(n) for n in names))
    for cols in candidates:
        if cols and all(c in paired and not columns[c].nullable for c in cols):
            return cols
    return None
