"""Body mappings of the api adapter: renames, moves, drops, defaults and enum values, per direction."""

from __future__ import annotations

from typing import Any

from gitmigrate.openapi.adapter_runtime import transform
from gitmigrate.openapi.adapter_schema import (
    Findings,
    body_node,
    enum_pairs,
    object_view,
    same_schema,
)


def obj(required: list[str] | None = None, **props: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}


def nodes(v1: dict[str, Any], v2: dict[str, Any]) -> tuple[Any, Any, Findings]:
    findings = Findings()
    return (
        body_node(v1, v2, "request", "POST /x request", findings),
        body_node(v1, v2, "response", "POST /x response 200", findings),
        findings,
    )


def test_same_schema_ignores_annotations_and_survives_cycles() -> None:
    a: dict[str, Any] = {"type": "object", "description": "a", "properties": {}}
    b: dict[str, Any] = {"type": "object", "description": "b", "example": {}, "properties": {}}
    a["properties"]["self"] = a
    b["properties"]["self"] = b
    assert same_schema(a, b)
    assert not same_schema({"type": "string"}, {"type": "string", "maxLength": 3})
    assert not same_schema({"enum": [1, 2]}, {"enum": [1, True]})


def test_all_of_parts_are_one_object() -> None:
    props, required = object_view({"allOf": [obj(["a"], a=STR), obj(b=INT)]})
    assert set(props) == {"a", "b"} and required == {"a"}


def test_explicit_rename_maps_both_directions() -> None:
    request, response, findings = nodes(
        obj(name=STR), obj(full_name={**INT, "x-renamed-from": "name"})
    )
    assert transform({"name": "Rex"}, request) == {"full_name": "Rex"}
    assert transform({"full_name": "Rex"}, response) == {"name": "Rex"}
    assert any("'name' is 'full_name'" in line for line in findings.mapped)


def test_implicit_rename_needs_one_equal_schema() -> None:
    request, _, _ = nodes(obj(tag=STR, n=INT), obj(label=STR, n=INT))
    assert transform({"tag": "x"}, request) == {"label": "x"}
    # two removed strings and one added: which one was renamed is a guess, so none is
    request, _, _ = nodes(obj(a=STR, b=STR), obj(c=STR))
    assert transform({"a": 1, "b": 2}, request) == {}
    # a different schema is no rename either
    request, _, _ = nodes(obj(a=STR), obj(c=INT))
    assert "rename" not in (request or {})


def test_removed_response_field_comes_back_with_its_v1_default() -> None:
    v1 = obj(
        ["status", "code"],
        status={**STR, "default": "available"},
        code={**STR, "example": "A1"},
        gone=STR,
        must={"type": "boolean"},
        id=INT,
    )
    v1["required"].append("must")
    _, response, findings = nodes(v1, obj(id=INT))
    assert transform({"id": 1}, response) == {"id": 1, "status": "available", "code": "A1"}
    # the optional one without a value is just omitted; the required one is not claimed (manual)
    claimed = {
        name
        for claim in findings.claims
        if "response-required-property-removed" in claim.ids
        for name in claim.names
    }
    assert "gone" in claimed and "must" not in claimed


def test_request_drops_removed_and_fills_new_required_with_default() -> None:
    v2 = obj(["currency"], id=INT, currency={**STR, "default": "EUR"})
    request, _, _ = nodes(obj(id=INT, legacy={"type": "boolean"}), v2)
    assert transform({"id": 1, "legacy": True}, request) == {"id": 1, "currency": "EUR"}
    assert transform({"id": 1, "currency": "USD"}, request) == {"id": 1, "currency": "USD"}


def test_new_required_request_field_without_default_is_not_claimed() -> None:
    _, _, findings = nodes(obj(id=INT), obj(["code"], id=INT, code=INT))
    assert not any("code" in claim.names for claim in findings.claims)


def test_enum_values_by_position_or_explicit_map() -> None:
    assert enum_pairs({"enum": ["cat", "bird"]}, {"enum": ["cat", "avian"]}) == [("bird", "avian")]
    assert enum_pairs({"enum": ["a", "b"]}, {"enum": ["a", "b", "c"]}) == []
    assert enum_pairs({"enum": ["a"]}, {"enum": ["x", "y"], "x-enum-map": {"a": "x"}}) == [
        ("a", "x")
    ]
    request, response, _ = nodes(
        obj(kind={"enum": ["cat", "bird"]}), obj(kind={"enum": ["cat", "avian"]})
    )
    assert transform({"kind": "bird"}, request) == {"kind": "avian"}
    assert transform({"kind": "avian"}, response) == {"kind": "bird"}
    assert transform({"kind": "cat"}, response) == {"kind": "cat"}


def test_nested_renames_inside_arrays_and_renamed_parents() -> None:
    v1 = {"type": "array", "items": obj(owner=obj(name=STR))}
    v2 = {
        "type": "array",
        "items": obj(
            holder={**obj(full_name={**STR, "x-renamed-from": "name"}), "x-renamed-from": "owner"}
        ),
    }
    request, response, _ = nodes(v1, v2)
    assert transform([{"owner": {"name": "Ann"}}], request) == [{"holder": {"full_name": "Ann"}}]
    assert transform([{"holder": {"full_name": "Ann"}}], response) == [{"owner": {"name": "Ann"}}]


def test_moved_field_by_pointer() -> None:
    v1 = obj(owner_name=STR, id=INT)
    v2 = obj(id=INT, owner=obj(name={**STR, "x-renamed-from": "/owner_name"}))
    request, response, findings = nodes(v1, v2)
    assert transform({"id": 1, "owner_name": "Ann"}, request) == {"id": 1, "owner": {"name": "Ann"}}
    back = transform({"id": 1, "owner": {"name": "Ann"}}, response)
    assert back == {"id": 1, "owner_name": "Ann"}  # the emptied `owner` goes too
    kept = transform({"id": 1, "owner": {"name": "Ann", "since": 2}}, response)
    assert kept == {"id": 1, "owner": {"since": 2}, "owner_name": "Ann"}
    assert any("moved to 'owner/name'" in line for line in findings.mapped)


def test_equal_schemas_need_no_node() -> None:
    request, response, findings = nodes(obj(a=STR), obj(a=STR))
    assert request is None and response is None and not findings.mapped
