"""What a copy says about itself (CopyPlan.notes, shown by the step note and `plan`): every
type mapping, every source feature the target does not get and why, every index renamed.

Index names are per table on MySQL/MariaDB but per schema on PostgreSQL and per database on
SQLite: sakila's `idx_fk_film_id` on five tables collides there, so later ones are renamed
`<table>_<name>` (then numbered), deterministically, and the rename is said.
"""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.data.copy_source import SourceFacts
from gitmigrate.schema.model import Schema, Table

_MAX_NAME = {"postgresql": 63, "mysql": 64, "sqlite": 1000}
_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}


class IndexNames:
    """Index names already taken on the target, for the renames of colliding ones."""

    def __init__(self, dialect: str, existing: Schema) -> None:
        self.dialect = dialect
        self.taken: set[str] = set()
        if dialect != "mysql":
            for table in existing.tables:
                self.taken.add(table.name.lower())
                self.taken.update(i.name.lower() for i in table.indexes)
                self.taken.update(u.name.lower() for u in table.unique_constraints if u.name)

    def unique(self, table: Table, notes: list[str]) -> Table:
        """`table` with any index or unique-constraint name already taken renamed."""
        if self.dialect == "mysql":
            return table
        self.taken.add(table.name.lower())
        indexes = tuple(
            replace(i, name=self._name(table.name, i.name, notes)) for i in table.indexes
        )
        uniques = tuple(
            replace(u, name=self._name(table.name, u.name, notes)) if u.name else u
            for u in table.unique_constraints
        )
        return replace(table, indexes=indexes, unique_constraints=uniques)

    def _name(self, table: str, name: str, notes: list[str]) -> str:
        limit = _MAX_NAME[self.dialect]
        chosen, n = name, 1
        while chosen.lower() in self.taken:
            n += 1
            base = f"{table}_{name}"
            suffix = "" if n == 2 else f"_{n - 1}"
            chosen = base[: limit - len(suffix)] + suffix
        if chosen != name:
            notes.append(
                f"index {table}.{name} renamed {chosen}: index names are one namespace per"
                f" {'schema' if self.dialect == 'postgresql' else 'database'} on"
                f" {_NAMES[self.dialect]} and {name} is taken"
            )
        self.taken.add(chosen.lower())
        return chosen


def type_notes(
    source: Table, created: Table, src: str, dst: str, fixed: dict[str, str]
) -> list[str]:
    """`table.column: SOURCE TYPE -> TARGET TYPE` for each column whose spelling changes (the
    adapted ones are said where they are adapted)."""
    if src == dst:
        return []
    out = []
    for col, made in zip(source.columns, created.columns, strict=True):
        if col.name in fixed or col.type.upper() == made.type.upper():
            continue
        auto = " (auto-numbered)" if made.identity else ""
        out.append(f"type: {source.name}.{col.name} {col.type} -> {made.type}{auto}")
    return out


def source_notes(
    schema: Schema, facts: SourceFacts, src: str, dst: str, tables: list[Table]
) -> list[str]:
    """What of the source a table copy leaves behind, and what the source itself could not
    hold (a MariaDB source never ran a dump's MySQL-8-only parts)."""
    out = []
    if schema.views:
        out.append(
            "not copied: views " + ", ".join(v.name for v in schema.views)
            + " (data copy copies tables; add their SQL as a step)"
        )  # fmt: skip
    kinds: dict[str, list[str]] = {}
    used = {f.type_name for f in facts.columns.values()}
    for obj in schema.objects:
        if "SCHEMA public" in obj.name:
            continue  # what every PostgreSQL database has (its public schema's comment, grant)
        if obj.kind == "domain" and obj.name.rpartition(".")[2] in used and src != dst:
            continue  # mapped on its columns (said there)
        kinds.setdefault(obj.kind, []).append(obj.name)
    for kind, names in sorted(kinds.items()):
        out.append(f"not copied: {kind} {', '.join(names)} (data copy copies tables only)")
    if schema.enums and src != dst:
        unused = [e.name for e in schema.enums if e.name not in used]
        if unused:
            out.append(f"not copied: enum types {', '.join(unused)} (no column of a copied table)")
    if facts.server == "mariadb":
        out.append(
            "the source is MariaDB: parts of a MySQL 8 dump inside /*!80003 ... */ version"
            " comments (e.g. CHECK constraints, functional indexes, invisible columns) were"
            " never run by it, so it has none of them to copy"
        )
    return out


def summarize(notes: tuple[str, ...] | list[str]) -> list[str]:
    """The notes with per-column type lines grouped by mapping (`type: A -> B: t.c, u.d`)."""
    out: list[str] = []
    groups: dict[str, list[str]] = {}
    for note in notes:
        if note.startswith("type: "):
            where, _, mapping = note[len("type: ") :].partition(" ")
            groups.setdefault(mapping, []).append(where)
        else:
            out.append(note)
    return [f"type: {m}: {', '.join(w)}" for m, w in groups.items()] + out
