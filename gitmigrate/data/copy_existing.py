"""A table that existed on the target before the copy gets the source's indexes and foreign
keys it lacks, after loading, and loses them again on rollback (CopyPlan.added); what it
cannot take (SQLite adds no foreign key to an existing table, MySQL indexes no TEXT column
without a prefix) is said instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, inspect

from gitmigrate.data import copy_ddl, typemap
from gitmigrate.data.copy_notes import IndexNames
from gitmigrate.schema.model import ForeignKey, Table
from gitmigrate.schema.render import create_index, foreign_key_clause, index_elements, quote


@dataclass
class Additions:
    indexes: list[str] = field(default_factory=list)
    fks: list[str] = field(default_factory=list)
    added: list[list[str]] = field(default_factory=list)  # [kind, table, name], for the undo
    notes: list[str] = field(default_factory=list)


def _names(existing: Table) -> dict[str, str]:
    return {c.name.lower(): c.name for c in existing.columns}


def add_missing(
    source: Table,
    existing: Table,
    src: str,
    dst: str,
    ref_name: Callable[[str], str],
    names: IndexNames,
    out: Additions,
) -> None:
    """Add to `out` what `existing` lacks of `source`'s indexes and foreign keys."""
    cols = _names(existing)
    q = quote(existing.name, dst)
    have_ix = {tuple(c.lower() for c in i.columns) for i in existing.indexes}
    have_ix |= {tuple(c.lower() for c in u.columns) for u in existing.unique_constraints}
    if existing.primary_key:
        have_ix.add(tuple(c.lower() for c in existing.primary_key.columns))
    text_cols = {
        c.name.lower()
        for c in existing.columns
        if (f := typemap.family(c.type, dst)) is not None and f.name in ("text", "bytes", "json")
    }
    where = f"existing target table {existing.name}"
    for index in source.indexes:
        key = tuple(c.lower() for c in index.columns)
        if key in have_ix or index.expressions or not all(c in cols for c in key):
            if key not in have_ix:
                out.notes.append(f"not added: index {index.name} on {where} (its columns differ)")
            continue
        if dst == "mysql" and set(key) & text_cols:
            out.notes.append(
                f"not added: index {index.name} on {where}: MySQL/MariaDB indexes no TEXT/BLOB"
                " column without a prefix length (add it with a schema step)"
            )
            continue
        made = copy_ddl.target_index(index, source.name, src, dst)
        made = replace(made, columns=tuple(cols[c] for c in key), method=None)
        made = names.unique(
            replace(existing, indexes=(made,), unique_constraints=()), out.notes
        ).indexes[0]
        if dst == "mysql":
            word = "UNIQUE INDEX" if made.unique else "INDEX"
            out.indexes.append(
                f"ALTER TABLE {q} ADD {word} {quote(made.name, dst)} ({index_elements(made, dst)})"
            )
        else:
            out.indexes.append(create_index(existing.name, made, dst))
        out.added.append(["index", existing.name, made.name])
        out.notes.append(f"added: index {made.name} to {where} (as on the source)")
    have_fk = {
        (tuple(c.lower() for c in fk.columns), fk.ref_table.lower()) for fk in existing.foreign_keys
    }
    for fk in source.foreign_keys:
        key = tuple(c.lower() for c in fk.columns)
        if (key, fk.ref_table.lower()) in have_fk:
            continue
        if dst == "sqlite" or not all(c in cols for c in key):
            why = (
                "SQLite adds no foreign key to an existing table"
                if dst == "sqlite"
                else "its columns differ"
            )
            out.notes.append(
                f"not added: foreign key {fk.name or ''} {fk.columns} on {where}: {why}"
            )
            continue
        name = fk.name or f"{existing.name}_{'_'.join(key)}_fkey"[:63]
        made_fk = ForeignKey(
            name, tuple(cols[c] for c in key), ref_name(fk.ref_table), fk.ref_columns,
            fk.on_delete, fk.on_update,
        )  # fmt: skip
        out.fks.append(f"ALTER TABLE {q} ADD {foreign_key_clause(made_fk, dst)}")
        out.added.append(["fk", existing.name, name])
        out.notes.append(f"added: foreign key {name} to {where} (as on the source)")


def drop_added(
    target: Connection, dialect: str, added: tuple[tuple[str, str, str], ...],
    log: Callable[[str], None],
) -> None:  # fmt: skip
    """Undo `add_missing`: drop those that exist (foreign keys first: MySQL needs its index)."""
    insp = inspect(target)
    tables = {t.lower(): t for t in insp.get_table_names()}
    for kind in ("fk", "index"):
        for what, table, name in added:
            real = tables.get(table.lower())
            if what != kind or real is None:
                continue
            q = quote(real, dialect)
            if kind == "fk":
                present = {fk.get("name") for fk in insp.get_foreign_keys(real)}
                sql = (
                    f"ALTER TABLE {q} DROP FOREIGN KEY {quote(name, dialect)}"
                    if dialect == "mysql"
                    else f"ALTER TABLE {q} DROP CONSTRAINT {quote(name, dialect)}"
                )
            else:
                present = {ix.get("name") for ix in insp.get_indexes(real)}
                sql = (
                    f"ALTER TABLE {q} DROP INDEX {quote(name, dialect)}"
                    if dialect == "mysql"
                    else f"DROP INDEX {quote(name, dialect)}"
                )
            if name in present:
                log(sql)
                target.exec_driver_sql(sql)
