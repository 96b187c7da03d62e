"""Text for a NEW value (the editor inserts it; convert writes whole documents with it): block
style where the format has one (YAML mappings and lists, indented JSON), inline tables and
arrays in TOML (a header table cannot sit at an arbitrary place in a file). Scalars come from
`scalars.render_scalar`, so a value is written the same way whichever path wrote it."""

from __future__ import annotations

import json
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.scalars import render_key, render_scalar


def render_value(value: Any, format: str, indent: int) -> str:
    """`value` as `format` text whose lines after the first start at column `indent` + 1.

    YAML: a non-empty container is returned as whole lines (each indented by `indent`, each
    ending with a newline) to follow `key:` on the next line; a scalar or an empty container
    is one literal for the same line. JSON and TOML: one value starting where it is put
    (JSON containers indented by two spaces per level below `indent`)."""
    if format == "yaml":
        return _yaml(value, indent)
    if format == "json":
        return _json(value, indent)
    if format == "toml":
        return _toml(value)
    if isinstance(value, dict | list):
        raise UsageError(
            f"{format.upper() if format == 'ini' else '.env'} values are strings; "
            "a list or table cannot be written there",
            "set each value as its own key",
        )
    return render_scalar(value, format)


def is_block(value: Any, format: str) -> bool:
    """Whether `render_value` gives whole lines (to follow `key:`) rather than one literal."""
    return format == "yaml" and isinstance(value, dict | list) and bool(value)


def _yaml(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            head = f"{pad}{render_key(str(key), 'yaml')}:"
            if is_block(item, "yaml"):
                lines.append(head + "\n" + _yaml(item, indent + 2))
            else:
                lines.append(f"{head} {_yaml(item, indent + 2)}\n")
        return "".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            if is_block(item, "yaml"):
                nested = _yaml(item, indent + 2)
                # the first line of the nested block follows the dash
                lines.append(f"{pad}- {nested[indent + 2 :]}")
            else:
                lines.append(f"{pad}- {_yaml(item, indent + 2)}\n")
        return "".join(lines)
    return render_scalar(value, "yaml")


def _json(value: Any, indent: int) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)
    return text.replace("\n", "\n" + " " * indent)


def _json_default(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(f"{render_key(str(k), 'toml')} = {_toml(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return render_scalar(value, "toml")


def render_toml_table(path: tuple[str, ...], value: dict[str, Any]) -> str:
    """`value` as a `[path]` table: its plain keys first, then each table inside it as a
    `[path.key]` table of its own (TOML needs the plain keys before any sub-table)."""
    header = ".".join(render_key(part, "toml") for part in path)
    plain = {k: v for k, v in value.items() if not (isinstance(v, dict) and v)}
    tables = {k: v for k, v in value.items() if isinstance(v, dict) and v}
    lines = [f"[{header}]\n"] if plain or not tables else []
    lines += [f"{render_key(str(k), 'toml')} = {_toml(v)}\n" for k, v in plain.items()]
    for name, table in tables.items():
        lines.append(("\n" if lines else "") + render_toml_table((*path, str(name)), table))
    return "".join(lines)
