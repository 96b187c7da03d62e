"""Example values from schemas: stated values first, then type, format and bounds; recursive
schemas (cyclic objects, as the loader resolves $refs in place) end instead of looping."""

from __future__ import annotations

from typing import Any

from gitmigrate.openapi.examples import example_of


def test_stated_values_win_in_order() -> None:
    assert example_of({"type": "string", "example": "a", "default": "b"}) == "a"
    assert example_of({"type": "string", "examples": ["c"], "default": "b"}) == "c"
    assert example_of({"type": "integer", "default": 5, "enum": [1, 2]}) == 5
    assert example_of({"const": "fixed"}) == "fixed"
    assert example_of({"type": "string", "enum": [None, "dog", "cat"]}) == "dog"


def test_formats_and_bounds() -> None:
    assert example_of({"type": "string", "format": "date"}) == "2024-01-31"
    assert example_of({"type": "string", "format": "date-time"}) == "2024-01-31T12:00:00Z"
    assert example_of({"type": "string", "format": "email"}) == "user@example.com"
    assert example_of({"type": "string", "format": "uuid"}).count("-") == 4
    assert len(example_of({"type": "string", "minLength": 10})) == 10
    assert len(example_of({"type": "string", "maxLength": 3})) == 3
    assert example_of({"type": "integer", "minimum": 10}) == 10
    assert example_of({"type": "integer", "maximum": 0}) == 0
    assert example_of({"type": "integer", "exclusiveMinimum": 4}) == 5
    assert example_of({"type": "number"}) == 1.5
    assert example_of({"type": ["null", "boolean"]}) is True


def test_objects_arrays_and_composition() -> None:
    pet = {"type": "object", "properties": {"id": {"type": "integer"},
                                            "tags": {"type": "array", "items": {"type": "string"}}}}  # fmt: skip
    assert example_of(pet) == {"id": 1, "tags": ["string"]}
    both = {"allOf": [pet, {"type": "object", "properties": {"name": {"example": "Rex"}}}]}
    assert example_of(both) == {"id": 1, "tags": ["string"], "name": "Rex"}
    assert example_of({"oneOf": [{"not": {}}, {"type": "boolean"}]}) is True
    assert example_of({}) is None


def test_a_recursive_schema_ends() -> None:
    node: dict[str, Any] = {"type": "object", "properties": {"name": {"type": "string"}}}
    node["properties"]["children"] = {"type": "array", "items": node}
    node["properties"]["parent"] = node
    assert example_of(node) == {"name": "string", "children": []}


def test_read_only_and_write_only_properties_by_direction() -> None:
    user = {"type": "object", "properties": {"id": {"type": "integer", "readOnly": True},
                                             "password": {"type": "string", "writeOnly": True}}}  # fmt: skip
    assert example_of(user, "request") == {"password": "string"}
    assert example_of(user, "response") == {"id": 1}
    assert example_of(user) == {"id": 1, "password": "string"}
