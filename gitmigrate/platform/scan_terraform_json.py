"""Terraform JSON syntax (`*.tf.json`) in the inventory: the same providers, resources, data
sources and modules as `.tf`, read through the structured-file layer's JSON parser (lines per
key; invalid JSON is a Problem at file:line:col)."""

from __future__ import annotations

from typing import Any

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import Document, loads
from gitmigrate.files.keypath import KeyPath
from gitmigrate.platform import services
from gitmigrate.platform.scan_model import OTHER, Item, Problem
from gitmigrate.platform.scan_terraform import PROVIDER_NAMES, describe, module_provider


def scan_terraform_json(text: str, file: str) -> tuple[list[Item], list[Problem]]:
    try:
        document = loads(text, "json", file)
    except FileFormatError as exc:
        return [], [Problem(file, exc.line, exc.column, exc.detail)]
    data = document.data
    if not isinstance(data, dict):
        return [], [Problem(file, 1, 1, "not Terraform JSON: the top level is not an object")]
    items: list[Item] = []
    for kind in ("resource", "data"):
        for type_, named in _objects(data.get(kind)):
            for name, body in _objects(named):
                items.append(_resource(document, kind, type_, name, _first(body), file))
    for name, body in _objects(data.get("module")):
        source = _first(body).get("source")
        source = source if isinstance(source, str) else "?"
        items.append(Item("terraform", "module", module_provider(source), "terraform module",
                          f"module {source}", f"module.{name}", file,
                          _line(document, ("module", name)), key=source))  # fmt: skip
    for name, _ in _objects(data.get("provider")):
        items.append(Item("terraform", "provider", PROVIDER_NAMES.get(name, OTHER),
                          "terraform provider", f"provider {name}", f"provider.{name}", file,
                          _line(document, ("provider", name)), key=name))  # fmt: skip
    return items, []


def _resource(document: Document, kind: str, type_: str, name: str, body: dict[str, Any],
              file: str) -> Item:  # fmt: skip
    provider = services.provider_of_type(type_) or OTHER
    arguments = {k: (v if isinstance(v, str) and "${" not in v else None) for k, v in body.items()}
    rows = services.rows_for_resource(type_, arguments)
    category, service = describe(rows, provider, type_)
    written = f"{type_}.{name}" if kind == "resource" else f"data.{type_}.{name}"
    return Item("terraform", kind, provider, category, service, written, file,
                _line(document, (kind, type_, name)), key=type_,
                rows=tuple(r.id for r in rows))  # fmt: skip


def _objects(value: Any) -> list[tuple[str, Any]]:
    """The entries of a JSON object (Terraform also allows a list of objects)."""
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return [pair for part in value if isinstance(part, dict) for pair in part.items()]
    return []


def _first(body: Any) -> dict[str, Any]:
    if isinstance(body, list):
        body = body[0] if body else {}
    return body if isinstance(body, dict) else {}


def _line(document: Document, path: KeyPath) -> int:
    while path:
        line = document.line_of(path)
        if line is not None:
            return line
        path = path[:-1]
    return 1
