"""Marking an operation, or one property of its request or response body, deprecated in the
spec file itself, as a byte-preserving edit (files/edit.py): `deprecated: true`, `x-sunset:
DATE` (the key oasdiff reads) and, when given, `x-deprecation-link: URL` (where the adapter's
`Link` header points) are set; every other byte of the file stays as it was.

    new_text = deprecate_text(text, "openapi.yaml", Target("GET /pets/{id}"), "2027-06-30")
    new_text = deprecate_text(text, "openapi.yaml", Target("getPet", "name"), "2027-06-30",
                              link="https://example.com/guide")

A property is named by its path inside the operation's body schema (`owner.name`, dots between
levels; `items` of arrays and `allOf` parts are looked into); the request body is searched
first, then the success responses. Local `$ref`s are followed to where the schema is written
(so deprecating a property of `#/components/schemas/Pet` marks it for every operation using it,
which the message says).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, loads
from gitmigrate.files.edit import set_value
from gitmigrate.files.formats import format_of
from gitmigrate.files.keypath import KeyPath, format_key
from gitmigrate.openapi.guide_examples import find_operation as find_by_path
from gitmigrate.openapi.operations import METHODS

SUNSET_KEY = "x-sunset"
LINK_KEY = "x-deprecation-link"


@dataclass(frozen=True)
class Target:
    operation: str  # "GET /pets/{id}" or an operationId
    property: str | None = None  # "owner.name" inside the operation's body schema


@dataclass(frozen=True)
class Deprecation:
    """What was marked: the key path of the element, the operation it was found under, and
    whether it is a shared component (used by other operations too)."""

    text: str
    where: KeyPath
    operation: str
    shared: bool = False

    @property
    def where_text(self) -> str:
        return format_key(self.where)


def sunset_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--sunset {text!r} is not a date", "give it as YYYY-MM-DD") from None


def find_operation(data: Any, wanted: str) -> tuple[KeyPath, str]:
    """The key path of the operation (`paths./pets/{id}.get`) and its "METHOD /path" name."""
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, dict):
        raise UsageError("the spec has no paths", "give an OpenAPI document with paths")
    method, _, path = wanted.strip().partition(" ")
    if path and method.lower() in METHODS:
        found = find_by_path(data, method, path.strip())
        if found is not None:
            return ("paths", found[0], method.lower()), f"{method.upper()} {found[0]}"
    else:
        for written, item in paths.items():
            for name, op in item.items() if isinstance(item, dict) else ():
                if name in METHODS and isinstance(op, dict) and op.get("operationId") == wanted:
                    return ("paths", str(written), name), f"{name.upper()} {written}"
    raise UsageError(
        f"the spec has no operation {wanted!r}",
        "give it as METHOD /path (GET /pets/{id}) or as its operationId",
    )


def _at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _ref_path(ref: str) -> KeyPath:
    if not ref.startswith("#/"):
        raise UsageError(f"$ref {ref} is not in this file", "deprecate the property where it is written")  # fmt: skip
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))


def _resolved(data: Any, path: KeyPath, seen: int = 0) -> KeyPath:
    node = _at(data, path)
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
        path = _ref_path(node["$ref"])
        node, seen = _at(data, path), seen + 1
    return path


def _body_schemas(data: Any, op_path: KeyPath) -> Iterator[KeyPath]:
    op = _at(data, op_path)
    body = op.get("requestBody")
    if isinstance(body, dict):
        body_path = _resolved(data, (*op_path, "requestBody"))
        for media in _at(data, body_path).get("content") or {}:
            yield (*body_path, "content", media, "schema")
    for status, response in (op.get("responses") or {}).items():
        if str(status).startswith("2") and isinstance(response, dict):
            r_path = _resolved(data, (*op_path, "responses", status))
            for media in _at(data, r_path).get("content") or {}:
                yield (*r_path, "content", media, "schema")


def _find_property(data: Any, schema: KeyPath, names: list[str], depth: int = 0) -> KeyPath | None:
    if depth > 16:
        return None
    try:
        schema = _resolved(data, schema)
        node = _at(data, schema)
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(node, dict):
        return None
    props = node.get("properties")
    if isinstance(props, dict) and names[0] in props:
        here = (*schema, "properties", names[0])
        return here if len(names) == 1 else _find_property(data, here, names[1:], depth + 1)
    inner: list[KeyPath] = []
    if isinstance(node.get("items"), dict):
        inner.append((*schema, "items"))
    for key in ("allOf", "oneOf", "anyOf"):
        parts = node.get(key)
        inner += [(*schema, key, n) for n in range(len(parts))] if isinstance(parts, list) else []
    for sub in inner:
        found = _find_property(data, sub, names, depth + 1)
        if found is not None:
            return found
    return None


def deprecate_text(text: str, name: str, target: Target, sunset: str,
                   link: str | None = None) -> Deprecation:  # fmt: skip
    """The spec `text` (file `name`, YAML or JSON) with the target marked deprecated."""
    date = sunset_date(sunset)
    doc = loads(text, format_of(name, None), name)
    op_path, operation = find_operation(doc.data, target.operation)
    where, shared = op_path, False
    if target.property:
        names = [n for n in target.property.split(".") if n]
        found = None
        for schema in _body_schemas(doc.data, op_path):
            found = _find_property(doc.data, schema, names)
            if found is not None:
                break
        if found is None:
            raise UsageError(
                f"{operation} has no body property {target.property!r}",
                "name it by its path in the request or response body (owner.name)",
            )
        where, shared = found, found[0] != "paths"
    for key, value in (("deprecated", True), (SUNSET_KEY, date.isoformat()), (LINK_KEY, link)):
        if value is not None:
            doc = _set(doc, (*where, key), value)
    return Deprecation(doc.text, where, operation, shared)


def _set(doc: Document, path: KeyPath, value: Any) -> Document:
    return loads(set_value(doc, path, value), doc.format, doc.name)
