"""The schema section of a drift report: two live schemas compared table by table with the
comparator `schema drift` uses (gitmigrate.schema.compare), its wording turned from
expected/actual ("missing"/"added") into "only in A"/"only in B".

Two environments on different dialects (SQLite in dev, PostgreSQL in prod) cannot be compared
type by type: then only which tables and columns exist is compared, and the note says so.
"""

from __future__ import annotations

from gitmigrate.envs.drift_model import A_ONLY, B_ONLY, SchemaSection, TableDrift
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.model import Schema, Table

CROSS_DIALECT = "different dialects: only the tables and columns present are compared"


def compare_schemas(a: Schema, b: Schema, names: tuple[str, str]) -> SchemaSection:
    """Differences of `b` against `a`; `names` are the environments' names for the wording."""
    same_dialect = a.dialect == b.dialect
    fold = a.key if same_dialect else str.lower
    left = {fold(t.name): t for t in a.tables}
    right = {fold(t.name): t for t in b.tables}
    tables: list[TableDrift] = []
    for key in sorted(set(left) | set(right)):
        if key not in right:
            tables.append(TableDrift(left[key].name, A_ONLY))
        elif key not in left:
            tables.append(TableDrift(right[key].name, B_ONLY))
        else:
            changes = _table_changes(a, b, left[key], right[key], names, same_dialect)
            if changes:
                tables.append(TableDrift(left[key].name, None, tuple(changes)))
    other: list[str] = []
    if same_dialect:
        rest_a = Schema(a.dialect, (), a.views, a.enums, a.sequences, a.extensions)
        rest_b = Schema(b.dialect, (), b.views, b.enums, b.sequences, b.extensions)
        other = [_reword(line, names) for line in schema_differences(rest_a, rest_b)]
    return SchemaSection(
        compared=True,
        note=None if same_dialect else CROSS_DIALECT,
        dialects=(a.dialect, b.dialect),
        tables=tuple(tables),
        other=tuple(other),
    )


def _table_changes(
    a: Schema, b: Schema, x: Table, y: Table, names: tuple[str, str], same_dialect: bool
) -> list[str]:
    if same_dialect:
        lines = schema_differences(Schema(a.dialect, (x,)), Schema(b.dialect, (y,)))
        prefix = f"table {x.name}: "
        return [_reword(line.removeprefix(prefix), names) for line in lines]
    left = {c.name.lower(): c.name for c in x.columns}
    right = {c.name.lower(): c.name for c in y.columns}
    only_a = [f"column {left[k]} only in {names[0]}" for k in sorted(set(left) - set(right))]
    only_b = [f"column {right[k]} only in {names[1]}" for k in sorted(set(right) - set(left))]
    return only_a + only_b


def _reword(line: str, names: tuple[str, str]) -> str:
    """The comparator's "X missing" (b lacks it) / "X added" (only b has it) as "only in"."""
    if line.endswith(" missing"):
        return f"{line.removesuffix(' missing')} only in {names[0]}"
    if line.endswith(" added"):
        return f"{line.removesuffix(' added')} only in {names[1]}"
    return line
