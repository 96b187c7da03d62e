"""plan_copy: check a copy request against both databases and work out everything it will do,
before anything changes (missing tables, tables without a key, unmappable types, a bad --map
or --where are refused here, with the fix named).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import sqlglot
from sqlalchemy import Connection
from sqlglot import exp
from sqlglot.errors import SqlglotError

from gitmigrate.data import copy_ddl, typemap
from gitmigrate.data.copy_adapt import adapt
from gitmigrate.data.copy_existing import Additions, add_missing
from gitmigrate.data.copy_notes import IndexNames, source_notes, type_notes
from gitmigrate.data.copy_plan import CopyPlan, CopySpec, TablePlan
from gitmigrate.data.copy_source import SourceFacts, read_facts
from gitmigrate.data.loaders import converter_for
from gitmigrate.data.naming import copy_record_table_name
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Column, Schema, Table
from gitmigrate.schema.reflect import dialect_of, reflect_schema
from gitmigrate.sql.dialects import sqlglot_dialect


def plan_copy(source: Connection, target: Connection, spec: CopySpec, *, step_id: str) -> CopyPlan:
    """The plan of a copy; reads both databases and changes neither."""
    src, dst = dialect_of(source), dialect_of(target)
    src_schema, dst_schema = reflect_schema(source), reflect_schema(target)
    facts = read_facts(source, src)
    return plan_from(src_schema, facts, src, dst_schema, dst, spec, step_id=step_id)


def plan_from(
    src_schema: Schema,
    facts: SourceFacts,
    src: str,
    dst_schema: Schema,
    dst: str,
    spec: CopySpec,
    *,
    step_id: str,
) -> CopyPlan:
    """The plan of a copy from both schemas (the target's may be empty: what `data copy` says
    at authoring for each possible target dialect)."""
    tables = source_tables(src_schema, spec.tables)
    mapping = mapped_names(src_schema, spec.mapping, tables)
    where = check_where(spec.where, src, tables)
    keys = {t.name: key_of(t, spec.keys) for t in tables}
    ordered = fk_order(tables)
    copied = {t.name.lower(): mapping.get(t.name, t.name) for t in tables}
    names = IndexNames(dst, dst_schema)

    plans: list[TablePlan] = []
    before: list[str] = []
    indexes: list[str] = []
    fks: list[str] = []
    resets: list[str] = []
    notes: list[str] = source_notes(src_schema, facts, src, dst, tables)
    additions = Additions()
    for original in ordered:
        adapted = adapt(original, facts, src, dst)
        table = adapted.table
        notes += adapted.notes
        name = mapping.get(table.name, table.name)
        existing = dst_schema.table(name)
        # within one dialect a generated column is created as such and computed, not copied
        loaded = [c for c in table.columns if c.generated is None or src != dst]
        families = [
            adapted.families.get(c.name) or _family_name(typemap.family(c.type, src))
            for c in loaded
        ]
        converters = tuple(converter_for(f or None, src, dst) for f in families)
        columns = tuple(c.name for c in loaded)
        if existing is None:
            created = copy_ddl.target_table(
                table, name, src, dst, partial(_ref_name, table, copied=copied, dst=dst_schema),
                adapted.fixed, notes,
            )  # fmt: skip
            created = names.unique(created, notes)
            notes += type_notes(table, created, src, dst, adapted.fixed)
            before += copy_ddl.before_statements(created, dst)
            more_indexes, more_fks = copy_ddl.after_statements(created, dst)
            indexes += more_indexes
            fks += more_fks
            identity = [c.name for c in created.columns if c.identity]
            target_columns = columns
        else:
            target_columns = _compatible(table, loaded, existing, src, dst, adapted.fixed)
            name = existing.name
            identity = [c.name for c in existing.columns if c.identity]
            ref = partial(_ref_name, table, copied=copied, dst=dst_schema)
            add_missing(table, existing, src, dst, ref, names, additions)
        resets += [r for c in identity if (r := copy_ddl.identity_reset(name, c, dst))]
        plans.append(
            TablePlan(
                source=table.name,
                target=name,
                key=keys[table.name],
                columns=columns,
                created=existing is None,
                target_columns=target_columns,
                converters=converters,
                families=tuple(f or None for f in families),
            )
        )
    record = None
    if any(not p.created for p in plans):
        record = copy_record_table_name(step_id)
        before.append(copy_ddl.record_table_ddl(record, dst))
    notes += additions.notes
    return CopyPlan(
        tables=tuple(plans),
        before=tuple(before),
        after=tuple(indexes + additions.indexes + fks + additions.fks + resets),
        added=tuple((a, b, c) for a, b, c in additions.added),
        source_dialect=src,
        target_dialect=dst,
        where=where,
        record_table=record,
        notes=tuple(dict.fromkeys(notes)),
    )


def _family_name(fam: typemap.Family | None) -> str:
    return fam.name if fam else ""


def source_tables(schema: Schema, wanted: tuple[str, ...] | None) -> list[Table]:
    if wanted is None:
        # a partition's rows are read through its parent: copied once, as the parent's
        found_all = [t for t in schema.tables if t.partition_of is None]
        if not found_all:
            raise UsageError("the source database has no tables to copy", "check the --from URL")
        return found_all
    found: list[Table] = []
    for name in wanted:
        table = schema.table(name)
        if table is None:
            known = ", ".join(t.name for t in schema.tables[:20]) or "none"
            raise UsageError(
                f"source table {name!r} does not exist", f"tables of the source: {known}"
            )
        if table not in found:
            found.append(table)
    return found


def mapped_names(schema: Schema, mapping: Mapping[str, str], tables: list[Table]) -> dict[str, str]:
    out: dict[str, str] = {}
    names = {t.name.lower(): t.name for t in tables}
    for old, new in mapping.items():
        real = names.get(old.lower())
        if real is None:
            raise UsageError(
                f"--map names table {old!r}, which is not copied",
                f"copy it too (--table {old}) or map one of: {', '.join(sorted(names.values()))}",
            )
        out[real] = new
    return out


def key_of(table: Table, keys: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The chunk key: the one given, else the primary key, else a unique NOT NULL key."""
    given = next((v for k, v in keys.items() if k.lower() == table.name.lower()), None)
    nullable = {c.name for c in table.columns if c.nullable}
    if given:
        out = []
        for col in given:
            column = next((c for c in table.columns if c.name.lower() == col.lower()), None)
            if column is None or column.nullable:
                raise UsageError(
                    f"key column {col!r} of table {table.name} "
                    + ("does not exist" if column is None else "may be NULL"),
                    "name columns whose values are unique and never NULL",
                )
            out.append(column.name)
        return tuple(out)
    if table.primary_key is not None:
        return table.primary_key.columns
    candidates = [u.columns for u in table.unique_constraints]
    candidates += [
        i.columns for i in table.indexes if i.unique and not i.expressions and not i.where
    ]
    for cols in candidates:
        if cols and not set(cols) & nullable:
            return cols
    raise UsageError(
        f"table {table.name} has no primary key or unique NOT NULL key to copy it by",
        f"add one to the source, or name its key columns with --key {table.name}:COL[,COL]"
        " (CopySpec.keys), columns whose values are unique and never NULL",
    )


def check_where(where: str | None, dialect: str, tables: list[Table]) -> str | None:
    """A filter that parses as one boolean condition and names only columns every copied
    table has; None when there is none."""
    if where is None or not where.strip():
        return None
    hint = "write one SQL condition on the source's columns, e.g. --where \"created_at >= '2024-01-01'\""
    try:
        parsed = sqlglot.parse(f"SELECT 1 FROM t WHERE {where}", read=sqlglot_dialect(dialect))
    except SqlglotError as exc:
        detail = str(exc).splitlines()[0]
        raise UsageError(
            f"--where {where!r} does not parse as {dialect} SQL: {detail}", hint
        ) from exc
    select = parsed[0] if len(parsed) == 1 else None
    extra = {k for k, v in (select.args.items() if select else ()) if v} - {
        "expressions",
        "from",
        "where",
        "from_",
    }
    if not isinstance(select, exp.Select) or extra or select.args.get("where") is None:
        raise UsageError(f"--where {where!r} is not a single condition", hint)
    columns = {c.name for c in select.find_all(exp.Column)}
    for table in tables:
        have = {c.name.lower() for c in table.columns}
        for column in sorted(columns):
            if column.lower() not in have:
                raise UsageError(
                    f"--where names column {column!r}, which table {table.name} does not have",
                    "copy the tables that lack it in a step of their own, without --where",
                )
    return where.strip()


def fk_order(tables: list[Table]) -> list[Table]:
    """Referenced tables first; a cycle is broken at the table with the fewest unmet references
    (foreign keys are added after loading, or deferred on SQLite, so any order loads)."""
    by_name = {t.name.lower(): t for t in tables}
    deps = {
        t.name.lower(): {
            fk.ref_table.lower()
            for fk in t.foreign_keys
            if fk.ref_table.lower() in by_name and fk.ref_table.lower() != t.name.lower()
        }
        for t in tables
    }
    done: list[str] = []
    while len(done) < len(tables):
        left = [n for n in sorted(deps) if n not in done]
        ready = [n for n in left if deps[n] <= set(done)]
        done.append(ready[0] if ready else min(left, key=lambda n: len(deps[n] - set(done))))
    return [by_name[n] for n in done]


def _ref_name(table: Table, ref: str, *, copied: dict[str, str], dst: Schema) -> str:
    if ref.lower() in copied:
        return copied[ref.lower()]
    existing = dst.table(ref)
    if existing is not None:
        return existing.name
    raise UsageError(
        f"table {table.name} references {ref}, which is neither copied nor on the target",
        f"copy {ref} too (--table {ref}), or create it on the target first",
    )


def _compatible(
    table: Table,
    loaded: list[Column],
    existing: Table,
    src: str,
    dst: str,
    fixed: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The target's spelling of each source column; refuses a table that cannot take them."""
    out = []
    for col in loaded:
        match = existing.column(col.name) or next(
            (c for c in existing.columns if c.name.lower() == col.name.lower()), None
        )
        where = f"existing target table {existing.name}"
        if match is None:
            raise UsageError(
                f"{where} has no column {col.name!r} (source table {table.name} has)",
                "add the column to the target table, or drop the target table so the copy"
                " creates it",
            )
        decided = (fixed or {}).get(col.name)
        have = typemap.family(decided, dst) if decided else typemap.family(col.type, src)
        if not typemap.accepts(typemap.family(match.type, dst), have):
            raise UsageError(
                f"column {existing.name}.{match.name} is {match.type} on the target but"
                f" {table.name}.{col.name} is {col.type} on the source",
                "change the target column's type, or drop the target table so the copy creates it",
            )
        out.append(match.name)
    names = {c.lower() for c in out}
    for col in existing.columns:
        required = not col.nullable and col.default is None and not col.identity
        if col.name.lower() not in names and required and col.generated is None:
            raise UsageError(
                f"existing target table {existing.name} has a NOT NULL column {col.name!r}"
                f" without default that source table {table.name} lacks",
                "give it a default or make it nullable, or drop the target table",
            )
    return tuple(out)
