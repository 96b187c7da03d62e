"""diff_schemas(current, desired) -> MigrationPlan: the dependency-ordered operations that turn
one schema into the other, and their exact inverse.

Order of the up operations (the down is the same list reversed, each operation reversed):

     0. drop server-kept objects (`DbObject`) created after tables that go or change, and
        those hanging on a table or view that is dropped or recreated (diff_server_objects.py)
     1. drop views that go, change, read a table whose columns change, or call a function
        that is dropped and created again (dependents first)
     2. drop foreign keys that go or change, or whose columns change type; break FK cycles
        among dropped tables
     3. release the OWNED BY of sequences that go
     4. renames asked for with `renames` (tables, then columns)
     5. create schemas (PostgreSQL), then extensions; create enums, add enum values / recreate changed
        enums, create sequences; create or alter objects kept before tables (schemas,
        collations, types, domains, functions)
     6. change existing tables (indexes, constraints, columns; SQLite: rebuild)
     7. create tables, referenced ones first; cyclic foreign keys left for step 9
        (SQLite: 7 before 6, and no foreign key is ever deferred)
     8. drop tables, referencing ones first
     9. add foreign keys (new, changed, deferred by a cycle)
    10. drop enums and sequences no longer used; drop objects kept before tables that go
    11. create views, the views they read first; create or alter the other objects
        (constraints, triggers, row-level security, policies, events, comments, grants)
    12. sequence changes and OWNED BY; drop extensions, then schemas, no longer wanted

PostgreSQL partitions (diff_partitions.py): partitions that leave or change their parent or
bound are detached before step 6, tables joining a parent attached after step 7; a table whose
partitioning changes is dropped and created again in step 7; parents change before children.

Renames are never guessed: a dropped and an added column of the same type in one table (or a
dropped and an added table with the same columns) is reported in `rename_candidates`, and only
`renames={"t.old": "t.new"}` / `{"old_table": "new_table"}` turns it into a rename.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gitmigrate.schema import diff_partitions as parts
from gitmigrate.schema import ops
from gitmigrate.schema.depends import table_order, view_order, views_reading
from gitmigrate.schema.diff_objects import (
    enum_and_sequence_ops,
    enum_usages,
    rename_candidates,
)
from gitmigrate.schema.diff_renames import apply_renames
from gitmigrate.schema.diff_serials import spell_out
from gitmigrate.schema.diff_server_objects import object_ops, views_calling_recreated
from gitmigrate.schema.diff_tables import TableDiff, diff_table
from gitmigrate.schema.model import ForeignKey, Schema, Table
from gitmigrate.schema.names import bare

Fold = Callable[[str], str]


@dataclass(frozen=True)
class MigrationPlan:
    operations: tuple[ops.Operation, ...]
    rename_candidates: tuple[str, ...] = ()
    online: bool = False
    # names valid as column types: enums, domains, composite and range types
    user_types: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not self.operations

    def up_statements(self, dialect: str) -> list[str]:
        return self._render(self.operations, dialect)

    def down_statements(self, dialect: str) -> list[str]:
        return self._render(tuple(op.reverse() for op in reversed(self.operations)), dialect)

    def _render(self, operations: tuple[ops.Operation, ...], dialect: str) -> list[str]:
        from gitmigrate.schema.render import render_operation, validate_types

        validate_types(operations, dialect, self.user_types)
        statements = [
            s for op in operations for s in render_operation(op, dialect, online=self.online)
        ]
        if statements and self.online and dialect == "postgresql":
            statements.insert(0, "SET lock_timeout = '5s'")
        return statements


def diff_schemas(
    current: Schema,
    desired: Schema,
    *,
    renames: Mapping[str, str] | None = None,
    online: bool = False,
) -> MigrationPlan:
    dialect = current.dialect
    fold: Fold = current.key
    rename_ops, current = apply_renames(current, desired, dict(renames or {}))
    current, desired = spell_out(current, desired)
    cur_tables = {fold(t.name): t for t in current.tables}
    des_tables = {fold(t.name): t for t in desired.tables}

    def depth(key: str) -> int:
        return parts.depth(des_tables[key], des_tables, fold)

    kept = sorted(k for k in cur_tables if k in des_tables)
    redo = parts.recreated(cur_tables, des_tables, kept, dialect)
    # parents (partitioned, INHERITS) change before their children, which see the result
    kept = sorted((k for k in kept if k not in redo), key=lambda k: (depth(k), k))
    new = [des_tables[k] for k in sorted(des_tables) if k not in cur_tables or k in redo]
    gone = [cur_tables[k] for k in sorted(cur_tables) if k not in des_tables]
    redone = [cur_tables[k] for k in sorted(redo)]

    diffs = {
        k: diff_table(
            *parts.comparable(cur_tables[k], des_tables[k], cur_tables, des_tables, fold),
            dialect,
            fold,
        )
        for k in kept
    }
    detach, attach = parts.moves(
        cur_tables, des_tables, kept, {fold(t.name) for t in gone} | redo, fold
    )
    drop_fks: list[tuple[str, ForeignKey]] = []
    add_fks: list[tuple[str, ForeignKey]] = []
    if dialect != "sqlite":  # SQLite's rebuild carries the foreign keys of a changed table
        drop_fks, add_fks = _foreign_key_changes(cur_tables, des_tables, diffs, fold)

    # 7/8: creation order; cycles among new (dropped) tables are broken by deferred FKs
    sqlite = dialect == "sqlite"
    created, deferred = table_order(new, fold, defer_cycles=not sqlite)
    dropped_order, cut = table_order(gone, fold, defer_cycles=not sqlite)
    redone_order, _ = table_order(redone, fold, defer_cycles=False)
    if not sqlite:
        dropped_order, cut = _cut_keys_to_changed(dropped_order, cut, diffs, fold)

    # 1/11: views
    renamed = {fold(n) for op in rename_ops for n in _renamed_tables(op)}
    shaped = {k for k, d in diffs.items() if d.shape_changed} | renamed
    shaped |= {fold(t.name) for t in gone} | redo
    cur_views = {fold(v.name): v for v in current.views}
    des_views = {fold(v.name): v for v in desired.views}
    stale = {k for k, v in cur_views.items() if des_views.get(k) != v}
    stale |= views_calling_recreated(current, desired, fold)
    stale |= views_reading(
        current.views, shaped | stale | _enum_readers(current, desired, fold), fold
    )
    drop_views = [v for v in reversed(view_order(current.views, fold)) if fold(v.name) in stale]
    make = {k for k, v in des_views.items() if k not in cur_views or k in stale}
    create_views = [v for v in view_order(desired.views, fold) if fold(v.name) in make]

    pre_types, post_types, seq_release, seq_final = enum_and_sequence_ops(current, desired, fold)
    rebuilt = {fold(t.name) for t in gone} | {fold(v.name) for v in drop_views} | redo
    rebuilt |= {k for k, d in diffs.items() if _rebuilds(d)} | renamed
    objects = object_ops(current, desired, rebuilt, fold)

    operations: list[ops.Operation] = []
    operations += objects.drop_early
    operations += [ops.DropView(v) for v in drop_views]

    def backing(tables: dict[str, Table], table: str, fk: ForeignKey) -> str | None:
        return backing_index(tables[fold(table)], fk, dialect, fold)

    cut_tables = {fold(t.name): t for t in gone}
    operations += [ops.DropForeignKey(t, fk, backing(cur_tables, t, fk)) for t, fk in drop_fks]
    operations += [ops.DropForeignKey(t, fk, backing(cut_tables, t, fk)) for t, fk in cut]
    operations += seq_release
    operations += rename_ops
    operations += objects.create_first
    # extensions reflected with their version (kind "extension") are objects, made with them
    extensions = set(desired.extensions) - set(current.extensions) - _versioned(desired)
    operations += [ops.CreateExtension(e) for e in sorted(extensions)]
    operations += pre_types
    operations += objects.create_early
    operations += detach
    table_changes = [op for key in kept for op in diffs[key].operations]
    staying = parts.staying_partitions(cur_tables, des_tables, fold)
    table_changes = parts.with_partitions(table_changes, staying, fold)
    creates: list[ops.Operation] = [ops.DropTable(t) for t in reversed(redone_order)]
    creates += [ops.CreateTable(t) for t in created]
    creates += attach
    # SQLite copies rows into a rebuilt table, which needs the tables its keys reference; its
    # CREATE TABLE accepts references to tables not created yet, so new tables go first there
    operations += creates + table_changes if sqlite else table_changes + creates
    operations += [ops.DropTable(t) for t in reversed(dropped_order)]
    operations += [
        ops.AddForeignKey(t, fk, backing(des_tables, t, fk)) for t, fk in add_fks + deferred
    ]
    operations += post_types
    operations += objects.drop_late
    operations += [ops.CreateView(v) for v in create_views]
    operations += objects.create_late
    operations += seq_final
    unused = set(current.extensions) - set(desired.extensions) - _versioned(current)
    operations += [ops.DropExtension(e) for e in sorted(unused, reverse=True)]
    operations += objects.drop_last
    return MigrationPlan(
        operations=tuple(operations),
        rename_candidates=rename_candidates(current, desired, fold),
        online=online,
        user_types=user_types(current) | user_types(desired),
    )


def user_types(schema: Schema) -> frozenset[str]:
    """Enum names, and domain, composite and range type names bare and schema-qualified."""
    names = {n for e in schema.enums for n in (e.name, bare(e.name))}
    for obj in schema.objects:
        if obj.kind in ("domain", "type"):
            names |= {obj.name, obj.name.split(".", 1)[-1]}
    return frozenset(names)


def _versioned(schema: Schema) -> set[str]:
    return {o.name for o in schema.objects if o.kind == "extension"}


def _enum_readers(current: Schema, desired: Schema, fold: Fold) -> set[str]:
    """Enums that change, and the tables with columns of them: a view reading either must be
    dropped around the change (ADD VALUE needs no such thing, but its undo, a type swap, does,
    and the down plan is this one reversed)."""
    wanted = {e.name: e for e in desired.enums}
    changed = [e for e in current.enums if e.name in wanted and wanted[e.name] != e]
    found = {fold(e.name) for e in changed}
    found |= {fold(u.table) for e in changed for u in enum_usages(current, e)}
    return found


def backing_index(table: Table, fk: ForeignKey, dialect: str, fold: Fold) -> str | None:
    """MySQL: the index it creates for `fk` when no index, unique or primary key starts with
    the key's columns (named after the constraint); None elsewhere."""
    if dialect != "mysql" or fk.name is None:
        return None
    wanted = tuple(map(fold, fk.columns))
    covering = [i.columns for i in table.indexes if not i.expressions]
    covering += [u.columns for u in table.unique_constraints]
    if table.primary_key is not None:
        covering.append(table.primary_key.columns)
    if any(tuple(map(fold, cols[: len(wanted)])) == wanted for cols in covering):
        return None
    return fk.name


def _cut_keys_to_changed(
    dropped: list[Table],
    cut: list[tuple[str, ForeignKey]],
    diffs: dict[str, TableDiff],
    fold: Fold,
) -> tuple[list[Table], list[tuple[str, ForeignKey]]]:
    """A table that goes may reference a kept table whose key changes before the drop (MySQL
    refuses DROP PRIMARY KEY under a foreign key): drop such keys first, with the others cut,
    and keep the dropped table without them (its rollback adds them back last)."""
    out = []
    for table in dropped:
        late = [
            fk
            for fk in table.foreign_keys
            if fold(fk.ref_table) in diffs and diffs[fold(fk.ref_table)].operations
        ]
        if late:
            cut = cut + [(table.name, fk) for fk in late]
            kept = tuple(fk for fk in table.foreign_keys if fk not in late)
            table = dataclasses.replace(table, foreign_keys=kept)
        out.append(table)
    return out, cut


def _rebuilds(diff: TableDiff) -> bool:
    """Whether the change recreates the table (SQLite's rebuild), taking its triggers along."""
    return any(isinstance(op, ops.RebuildTable) for op in diff.operations)


def _renamed_tables(op: ops.Operation) -> tuple[str, ...]:
    if isinstance(op, ops.RenameTable):
        return (op.old, op.new)
    if isinstance(op, ops.RenameColumn):
        return (op.table,)
    return ()


def _foreign_key_changes(
    cur_tables: dict[str, Table],
    des_tables: dict[str, Table],
    diffs: dict[str, TableDiff],
    fold: Fold,
) -> tuple[list[tuple[str, ForeignKey]], list[tuple[str, ForeignKey]]]:
    """FKs to drop first and add last: changed ones, and unchanged ones whose own or referenced
    columns change type (no database retypes a column inside a foreign key)."""
    drop: list[tuple[str, ForeignKey]] = []
    add: list[tuple[str, ForeignKey]] = []
    for key, diff in diffs.items():
        name = des_tables[key].name
        drop += [(name, fk) for fk in diff.drop_fks]
        add += [(name, fk) for fk in diff.add_fks]
    for key, diff in diffs.items():
        table = des_tables[key]
        for fk in table.foreign_keys:
            if fk not in cur_tables[key].foreign_keys or (table.name, fk) in add:
                continue
            ref = diffs.get(fold(fk.ref_table))
            touched = {fold(c) for c in fk.columns} & diff.retyped or (
                ref is not None and {fold(c) for c in fk.ref_columns} & ref.retyped
            )
            if touched:
                drop.append((table.name, fk))
                add.append((table.name, fk))
    return drop, add
