"""Dependencies between schema objects: which tables a view reads, the order tables can be
created in given their foreign keys (cycles broken by deferring some foreign keys), and the
order views can be created in given the views they read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from gitmigrate.schema.model import ForeignKey, Table, View
from gitmigrate.schema.names import QualifiedName

_WORDS = re.compile(r'"((?:[^"]|"")+)"|`((?:[^`]|``)+)`|\[([^\]]+)\]|([A-Za-z_][A-Za-z0-9_$]*)')
Fold = Callable[[str], str]


def referenced_names(definition: str, fold: Fold) -> set[str]:
    """Every identifier a view definition mentions (folded). A superset of the tables it reads,
    which is what callers need: dropping a view needlessly costs nothing, missing one fails."""
    names = set()
    previous: tuple[int, str] | None = None  # (end, word) of the last word, for `schema.name`
    for match in _WORDS.finditer(definition):
        word = next(g for g in match.groups() if g is not None)
        word = word.replace('""', '"').replace("``", "`")
        names.add(fold(word))
        if previous is not None and definition[previous[0] : match.start()].strip() == ".":
            names.add(fold(QualifiedName(previous[1], word)))  # as names.py spells it
        previous = (match.end(), word)
    return names


def views_reading(views: Iterable[View], names: set[str], fold: Fold) -> set[str]:
    """Folded names of the views that read any of `names`, directly or through other views."""
    views = list(views)
    found: set[str] = set()
    reached = set(names)
    changed = True
    while changed:
        changed = False
        for view in views:
            key = fold(view.name)
            if key not in found and referenced_names(view.definition, fold) & reached:
                found.add(key)
                reached.add(key)
                changed = True
    return found


def view_order(views: Iterable[View], fold: Fold) -> list[View]:
    """Views sorted so each comes after the views it reads (ties by name)."""
    pending = sorted(views, key=lambda v: fold(v.name))
    keys = {fold(v.name) for v in pending}
    done: set[str] = set()
    ordered: list[View] = []
    while pending:
        for view in pending:
            needs = (referenced_names(view.definition, fold) & keys) - done - {fold(view.name)}
            if not needs:
                break
        else:
            view = pending[0]  # a cycle cannot exist among valid views; keep going anyway
        pending.remove(view)
        done.add(fold(view.name))
        ordered.append(view)
    return ordered


def table_order(
    tables: Iterable[Table], fold: Fold, *, defer_cycles: bool = True
) -> tuple[list[Table], list[tuple[str, ForeignKey]]]:
    """Tables in creation order (referenced first) and the foreign keys deferred to break cycles.

    Only references among `tables` count (others exist already or are handled elsewhere). When
    no table is ready, the first remaining by name is created without its foreign keys to tables
    not created yet; those come back as `(table name, foreign key)` to add afterwards. With
    `defer_cycles=False` (SQLite, which accepts forward references) nothing is deferred.
    The returned tables are stripped of their deferred foreign keys.
    """
    pending = sorted(tables, key=lambda t: fold(t.name))
    keys = {fold(t.name) for t in pending}
    created: set[str] = set()
    ordered: list[Table] = []
    deferred: list[tuple[str, ForeignKey]] = []

    partitions: dict[str, set[str]] = {}  # a key to a partitioned table covers its partitions
    for t in pending:
        if t.partition_of is not None:
            partitions.setdefault(fold(t.partition_of), set()).add(fold(t.name))

    def waits_for(table: Table) -> set[str]:
        refs = {fold(fk.ref_table) for fk in table.foreign_keys}
        refs |= {p for r in list(refs) for p in partitions.get(r, ())}
        refs |= {fold(p) for p in parents(table)}  # a partition or INHERITS child needs them
        return (refs & keys) - created - {fold(table.name)}

    while pending:
        table = next((t for t in pending if not waits_for(t)), None)
        if table is None:
            table = pending[0]
            if defer_cycles:
                late = waits_for(table)
                kept = tuple(fk for fk in table.foreign_keys if fold(fk.ref_table) not in late)
                deferred += [
                    (table.name, fk) for fk in table.foreign_keys if fold(fk.ref_table) in late
                ]
                table = _with_foreign_keys(table, kept)
        pending = [t for t in pending if fold(t.name) != fold(table.name)]
        created.add(fold(table.name))
        ordered.append(table)
    return ordered, deferred


def parents(table: Table) -> tuple[str, ...]:
    """The tables `table` cannot exist without: its partitioned parent, its INHERITS parents."""
    found = table.inherits
    return (table.partition_of, *found) if table.partition_of else found


def _with_foreign_keys(table: Table, fks: tuple[ForeignKey, ...]) -> Table:
    from dataclasses import replace

    return replace(table, foreign_keys=fks)
