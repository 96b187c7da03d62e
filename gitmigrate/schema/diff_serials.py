"""A serial column is an integer column, a sequence it owns and a `nextval` default. The model
keeps it short (identity, no generation, no default, the sequence hidden); when the other side
of a diff spells the same sequence out (a plain column with `nextval('t_c_seq')` and a
stand-alone sequence), the short side is spelled out too, so the diff changes only what differs
(the sequence's OWNED BY) instead of creating a sequence that exists or dropping one in use.
"""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.schema import normalize as norm
from gitmigrate.schema.model import Column, Schema, Sequence, Table


def _serial(column: Column) -> bool:
    return column.identity and column.identity_generation is None and column.default is None


def implied_sequence(table: str, column: str) -> str:
    """The name PostgreSQL gives a serial column's sequence."""
    return f"{table}_{column}_seq"


def _explicit_sequences(schema: Schema) -> dict[str, str]:
    """(table, column) -> sequence name, of plain columns drawing from a stand-alone sequence."""
    names = {s.name for s in schema.sequences}
    found = {}
    for table in schema.tables:
        for column in table.columns:
            seq = norm.nextval_sequence(column.default)
            if seq in names and not column.identity:
                found[f"{table.name}\0{column.name}"] = seq
    return found


def spell_out(current: Schema, desired: Schema) -> tuple[Schema, Schema]:
    """Both schemas, with serial columns spelled out where the other side spells them out."""
    if current.dialect != "postgresql":
        return current, desired
    return _spell(current, _explicit_sequences(desired)), _spell(
        desired, _explicit_sequences(current)
    )


def _spell(schema: Schema, wanted: dict[str, str]) -> Schema:
    tables: list[Table] = []
    sequences = list(schema.sequences)
    known = {s.name for s in sequences}
    for table in schema.tables:
        columns = []
        for column in table.columns:
            seq = wanted.get(f"{table.name}\0{column.name}")
            if (
                seq is None
                or not _serial(column)
                or seq != implied_sequence(table.name, column.name)
            ):
                columns.append(column)
                continue
            default = norm.default(
                f"nextval('{seq.replace(chr(39), chr(39) * 2)}'::regclass)", "postgresql"
            )
            columns.append(replace(column, identity=False, default=default))
            if seq not in known:
                sequences.append(Sequence(seq, 1, 1, f"{table.name}.{column.name}"))
                known.add(seq)
        tables.append(replace(table, columns=tuple(columns)))
    return replace(
        schema, tables=tuple(tables), sequences=tuple(sorted(sequences, key=lambda s: s.name))
    )
