"""A Schema shown to people and scripts: as JSON (the model itself) or as the CREATE
statements that would build it on its dialect (rendered by the diff engine from an empty
schema, so `inspect --format sql` and `schema diff` always agree on DDL)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gitmigrate.schema.model import Schema


def schema_json(schema: Schema) -> dict[str, Any]:
    """The model as plain data (tuples become lists); keys as in gitmigrate/schema/model.py."""
    return asdict(schema)


def schema_sql(schema: Schema) -> str:
    """CREATE statements for every object, dependencies first, one per paragraph."""
    from gitmigrate.schema.diff import diff_schemas

    statements: list[str] = []
    if schema.dialect == "postgresql":
        versioned = {o.name for o in schema.objects if o.kind == "extension"}  # made by the plan
        statements += [
            f'CREATE EXTENSION IF NOT EXISTS "{ext}"'
            for ext in schema.extensions
            if ext not in versioned
        ]
    plan = diff_schemas(Schema(dialect=schema.dialect), schema)
    statements += plan.up_statements(schema.dialect)
    return "".join(f"{statement};\n\n" for statement in statements).rstrip("\n") + "\n"
