"""JSON Schema (Draft 2020-12) validation of a configuration, each problem located at the file
and line that gave the offending value, so `config validate --env prod` says which layer to fix.

Values JSON has no type for (dates, times) are validated as the ISO strings a JSON rendering
of the configuration would hold.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import KeyPath, format_key

if TYPE_CHECKING:
    from gitmigrate.files.document import Document
    from gitmigrate.files.merge import Origin


@dataclass(frozen=True)
class SchemaProblem:
    path: KeyPath
    message: str
    file: str | None
    line: int | None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        where = where or (f"{self.file}: " if self.file else "")
        return f"{where}{format_key(self.path)}: {self.message}"


def load_schema(path: str | Path) -> dict[str, Any]:
    """Read a JSON Schema; a file that is not JSON, or not a valid Draft 2020-12 schema, is a
    UsageError naming the spot (checked now, not when the first config fails to validate)."""
    from jsonschema import Draft202012Validator

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"schema {path} does not exist", "give the path of a JSON Schema file"
        ) from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"schema {path} is not a text file ({exc})", "give a JSON Schema file"
        ) from None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}:{exc.lineno}:{exc.colno}: the schema is not JSON: {exc.msg}",
            "a schema is a JSON document (Draft 2020-12)",
        ) from None
    if not isinstance(schema, dict):
        raise UsageError(
            f"{path} is not a JSON Schema: its top level is a {type(schema).__name__}, not an object",
            'start the schema with {"$schema": "https://json-schema.org/draft/2020-12/schema", ...}',
        )
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    errors = sorted(meta.iter_errors(schema), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        listed = "; ".join(
            f"at {format_key(tuple(e.absolute_path)) if e.absolute_path else '(root)'}: {e.message}"
            for e in errors[:5]
        )
        raise UsageError(
            f"{path} is not a valid Draft 2020-12 schema: {listed}",
            "fix the schema (https://json-schema.org/draft/2020-12/json-schema-validation)",
        )
    return schema


def validate(
    data: Any,
    schema: Mapping[str, Any],
    origins: Mapping[KeyPath, tuple[Origin, ...]] | None = None,
    doc: Document | None = None,
) -> list[SchemaProblem]:
    """Every schema violation of `data`, in key-path order. The file and line come from the
    merge origins (the last layer that gave the value, or its nearest ancestor) or from `doc`."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    problems = []
    for error in validator.iter_errors(_jsonable(data)):
        path: KeyPath = tuple(error.absolute_path)
        file, line = _locate(path, origins, doc)
        problems.append(SchemaProblem(path, error.message, file, line))
    problems.sort(key=lambda p: (format_key(p.path), p.message))
    return problems


def _locate(
    path: KeyPath,
    origins: Mapping[KeyPath, tuple[Origin, ...]] | None,
    doc: Document | None,
) -> tuple[str | None, int | None]:
    for depth in range(len(path), -1, -1):
        prefix = path[:depth]
        if origins is not None and origins.get(prefix):
            last = origins[prefix][-1]
            return last.file, last.line
        if doc is not None and doc.line_of(prefix) is not None and (prefix or depth == 0):
            return doc.name, doc.line_of(prefix)
    return (doc.name if doc is not None else None), None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value
