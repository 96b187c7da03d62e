"""A serial column is an integer column, a sequence it owns and a `nextval` default. The model
keeps it short (identity, no generation, no default, the sequence hidden); when the other side
of a diff spells the same sequence out (a plain column with `nextval('t_c_seq')` and a
stand-alone sequence), the short side is spelled out too, so the diff changes only what differs
(the sequence's OWNED BY) instead of creating a sequence that exists or dropping one in use.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gitmigrate.schema.model import Column, Schema, Sequence, Table
from gitmigrate.schema.names import bare, schema_of, split_sql_name


def _serial(column: Column) -> bool:
    return column.identity and column.identity_generation is None and column.default is None


def implied_sequence(table: str, column: str) -> str:
    """The name PostgreSQL gives a serial column's sequence."""
    return f"{table}_{column}_seq"


_NEXTVAL = re.compile(r"^nextval\('(?P<seq>(?:[^']|'')+)'(?:::regclass)?\)$", re.IGNORECASE)


def _drawn(default: str | None) -> tuple[str, ...]:
    """The parts of the sequence a `nextval(...)` default names (it may be schema-qualified)."""
    match = _NEXTVAL.match((default or "").strip())
    return split_sql_name(match.group("seq").replace("''", "'")) if match else ()


def _explicit_sequences(schema: Schema) -> dict[str, tuple[str, str]]:
    """(table, column) -> (sequence model name, the default) of plain columns drawing from a
    stand-alone sequence of their table's schema."""
    found = {}
    for table in schema.tables:
        for column in table.columns:
            parts = _drawn(column.default)
            if not parts or column.identity:
                continue
            for seq in schema.sequences:
                same_schema = schema_of(seq.name) == schema_of(table.name)
                if same_schema and bare(seq.name) == parts[-1] and column.default is not None:
                    found[f"{table.name}\0{column.name}"] = (seq.name, column.default)
    return found


def spell_out(current: Schema, desired: Schema) -> tuple[Schema, Schema]:
    """Both schemas, with serial columns spelled out where the other side spells them out."""
    if current.dialect != "postgresql":
        return current, desired
    return _spell(current, _explicit_sequences(desired)), _spell(
        desired, _explicit_sequences(current)
    )


def _spell(schema: Schema, wanted: dict[str, tuple[str, str]]) -> Schema:
    tables: list[Table] = []
    sequences = list(schema.sequences)
    known = {s.name for s in sequences}
    for table in schema.tables:
        columns = []
        for column in table.columns:
            seq, default = wanted.get(f"{table.name}\0{column.name}", ("", ""))
            implied = implied_sequence(bare(table.name), column.name)
            if not seq or not _serial(column) or bare(seq) != implied:
                columns.append(column)
                continue
            columns.append(replace(column, identity=False, default=default))
            if seq not in known:
                owner = f"{bare(table.name)}.{column.name}"
                sequences.append(Sequence(seq, 1, 1, owner))
                known.add(seq)
        tables.append(replace(table, columns=tuple(columns)))
    return replace(
        schema, tables=tuple(tables), sequences=tuple(sorted(sequences, key=lambda s: s.name))
    )
