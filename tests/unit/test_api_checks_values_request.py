"""Request-side value checks on small real specs: each test writes a base and a revision spec
as YAML, diffs them with one check, and looks at the ids (and levels) oasdiff would give."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import ApiChange, DiffOptions
from gitmigrate.openapi.spec import load_spec


def api(body: dict[str, Any] | None = None, *, media: tuple[str, ...] = ("application/json",),
        response: dict[str, Any] | None = None, version: str = "3.0.3",
        operation: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """A one-operation spec: POST /pets with `body` as the request schema of each media type."""
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if body is not None:
        op["requestBody"] = {"content": {m: {"schema": copy.deepcopy(body)} for m in media}}
    if response is not None:
        op["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    op.update(operation or {})
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {"/pets": {"post": op}},
    }


def run(tmp_path: Path, base: dict[str, Any], revision: dict[str, Any], check: str,
        **options: Any) -> list[ApiChange]:  # fmt: skip
    for name, doc in (("base.yaml", base), ("revision.yaml", revision)):
        (tmp_path / name).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    opts = DiffOptions(today=dt.date(2026, 12, 7), **options)
    return diff_specs(
        load_spec("base.yaml", cwd=tmp_path), load_spec("revision.yaml", cwd=tmp_path), opts,
        checks=[check],
    )  # fmt: skip


def ids(changes: list[ApiChange]) -> list[str]:
    return sorted(change.id for change in changes)


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def test_number_to_string_breaks_json_but_is_compatible_in_xml(tmp_path: Path) -> None:
    base = api(obj(age={"type": "integer"}), media=("application/json", "application/xml"))
    revision = api(obj(age={"type": "string"}), media=("application/json", "application/xml"))
    changes = run(tmp_path, base, revision, "RequestPropertyTypeChangedCheck")
    assert ids(changes) == ["request-property-type-changed", "request-property-type-compatible"]
    json_change = next(c for c in changes if c.details["media_type"] == "application/json")
    assert json_change.level == "error" and json_change.details["property"] == "age"


def test_widening_integer_to_number_is_generalized(tmp_path: Path) -> None:
    base, revision = api(obj(n={"type": "integer"})), api(obj(n={"type": "number"}))
    assert ids(run(tmp_path, base, revision, "RequestPropertyTypeChangedCheck")) == [
        "request-property-type-generalized"
    ]


def test_null_added_to_31_type_list_is_nullability_not_a_type_change(tmp_path: Path) -> None:
    base = api(obj(n={"type": "string"}), version="3.1.0")
    revision = api(obj(n={"type": ["string", "null"]}), version="3.1.0")
    assert run(tmp_path, base, revision, "RequestPropertyTypeChangedCheck") == []
    back = run(tmp_path, revision, base, "RequestPropertyBecameNotNullableCheck")
    assert [(c.id, c.level) for c in back] == [("request-property-became-not-nullable", "error")]


def test_new_properties_required_optional_defaulted_and_read_only(tmp_path: Path) -> None:
    base = api(obj(name={"type": "string"}))
    body = obj(
        name={"type": "string"}, tag={"type": "string"}, kind={"type": "string", "default": "x"},
        owner={"type": "string"}, id={"type": "string", "readOnly": True},
    )  # fmt: skip
    body["required"] = ["owner", "kind", "id"]
    changes = run(tmp_path, base, api(body), "RequestPropertyUpdatedCheck")
    assert {c.details["property"]: c.id for c in changes} == {
        "tag": "new-optional-request-property",
        "kind": "new-required-request-property-with-default",
        "owner": "new-required-request-property",
    }


def test_shared_ref_schema_is_reported_once_per_media_type(tmp_path: Path) -> None:
    def spec(kind: str) -> dict[str, Any]:
        doc = api({"$ref": "#/components/schemas/Pet"}, media=("application/json", "text/plain"))
        doc["components"] = {"schemas": {"Pet": obj(age={"type": "integer", "minimum": kind})}}
        return doc

    base, revision = spec("1"), spec("1")
    base["components"]["schemas"]["Pet"]["properties"]["age"]["minimum"] = 1
    revision["components"]["schemas"]["Pet"]["properties"]["age"]["minimum"] = 5
    changes = run(tmp_path, base, revision, "RequestPropertyMinIncreasedCheck")
    assert ids(changes) == ["request-property-min-increased"] * 2
    assert {c.details["media_type"] for c in changes} == {"application/json", "text/plain"}


def test_read_only_property_bound_is_informational(tmp_path: Path) -> None:
    base = api(obj(age={"type": "integer", "maximum": 100, "readOnly": True}))
    revision = api(obj(age={"type": "integer", "maximum": 50, "readOnly": True}))
    changes = run(tmp_path, base, revision, "RequestPropertyMaxDecreasedCheck")
    assert [(c.id, c.level) for c in changes] == [
        ("request-read-only-property-max-decreased", "info")
    ]


def test_enum_value_removed_and_became_required(tmp_path: Path) -> None:
    base = api(obj(size={"type": "string", "enum": ["s", "m", "l"]}))
    body = obj(size={"type": "string", "enum": ["s", "m"]})
    body["required"] = ["size"]
    revision = api(body)
    removed = run(tmp_path, base, revision, "RequestPropertyEnumValueUpdatedCheck")
    assert [(c.id, c.details["value"]) for c in removed] == [
        ("request-property-enum-value-removed", "l")
    ]
    required = run(tmp_path, base, revision, "RequestPropertyRequiredUpdatedCheck")
    assert ids(required) == ["request-property-became-required"]


def test_request_body_added_required_and_media_type_removed(tmp_path: Path) -> None:
    base, revision = api(), api(obj(a={"type": "string"}))
    revision["paths"]["/pets"]["post"]["requestBody"]["required"] = True
    assert ids(run(tmp_path, base, revision, "AddedRequestBodyCheck")) == [
        "request-body-added-required"
    ]
    two = api(obj(a={"type": "string"}), media=("application/json", "application/xml"))
    one = api(obj(a={"type": "string"}))
    assert ids(run(tmp_path, two, one, "RequestBodyMediaTypeChangedCheck")) == [
        "request-body-media-type-removed"
    ]


def test_deprecated_property_needs_a_sunset_far_enough_under_a_policy(tmp_path: Path) -> None:
    base = api(obj(old={"type": "string"}))
    soon = api(obj(old={"type": "string", "deprecated": True, "x-sunset": "2026-12-20"}))
    check = "RequestPropertyDeprecationCheck"
    assert ids(run(tmp_path, base, soon, check)) == ["request-property-deprecated-with-sunset"]
    strict = run(tmp_path, base, soon, check, min_sunset_stable_days=30)
    assert [(c.id, c.level) for c in strict] == [
        ("request-property-sunset-date-too-small", "error")
    ]


def test_oneof_wrapping_is_one_finding_not_removed_properties(tmp_path: Path) -> None:
    props = {"foo": {"type": "string"}, "bar": {"type": "string"}}
    base = api({"type": "object", "required": ["foo"], "properties": props})
    revision = api({"oneOf": [{"type": "object", "properties": props}] * 2})
    assert ids(run(tmp_path, base, revision, "RequestPropertyUpdatedCheck")) == [
        "request-body-wrapped-in-one-of"
    ]
    assert run(tmp_path, base, revision, "RequestPropertyTypeChangedCheck") == []


def test_oneof_with_null_around_the_same_schema_only_became_nullable(tmp_path: Path) -> None:
    pet = obj(name={"type": "string"}, size={"type": "string", "enum": ["s", "m"]})
    base = api(obj(pet=pet), version="3.1.0")
    revision = api(obj(pet={"oneOf": [{"type": "null"}, pet]}), version="3.1.0")
    every = [
        "RequestPropertyBecameNotNullableCheck", "RequestPropertyTypeChangedCheck",
        "RequestPropertyUpdatedCheck", "RequestPropertyEnumValueUpdatedCheck",
    ]  # fmt: skip
    found = [c.id for check in every for c in run(tmp_path, base, revision, check)]
    assert found == ["request-property-became-nullable"]
    back = [c.id for check in every for c in run(tmp_path, revision, base, check)]
    assert back == ["request-property-became-not-nullable"]
    narrowed = api(obj(pet={"oneOf": [{"type": "null"}, obj(name={"type": "integer"})]}))
    assert run(tmp_path, base, narrowed, "RequestPropertyBecameNotNullableCheck") == []


def test_dropping_the_type_of_a_nullable_31_body_keeps_it_nullable(tmp_path: Path) -> None:
    typed = api({"type": ["object", "null"]}, version="3.1.0")
    untyped = api({"description": "anything"}, version="3.1.0")
    check = "RequestPropertyBecameNotNullableCheck"
    assert run(tmp_path, typed, untyped, check) == []
    assert run(tmp_path, untyped, typed, check) == []
    plain = api({"type": "object"}, version="3.1.0")
    assert ids(run(tmp_path, typed, plain, check)) == ["request-body-became-not-nullable"]


def with_header(schema: dict[str, Any]) -> dict[str, Any]:
    param = {"in": "header", "name": "X-Policy", "schema": schema}
    return api(operation={"parameters": [param]})


def test_object_header_parameter_properties(tmp_path: Path) -> None:
    base = with_header(obj(mode={"type": "string"}))
    added = obj(mode={"type": "string"}, course={"type": "string"})
    added["required"] = ["course"]
    found = run(tmp_path, base, with_header(added), "NewRequiredRequestHeaderPropertyCheck")
    assert [(c.id, c.details["header"], c.details["property"]) for c in found] == [
        ("new-required-request-header-property", "X-Policy", "course")
    ]
    required = obj(mode={"type": "string", "enum": ["a", "b"]})
    required["required"] = ["mode"]
    revision = with_header(required)
    assert ids(run(tmp_path, base, revision, "RequestHeaderPropertyBecameRequiredCheck")) == [
        "request-header-property-became-required"
    ]
    assert ids(run(tmp_path, base, revision, "RequestHeaderPropertyBecameEnumCheck")) == [
        "request-header-property-became-enum"
    ]
