"""Response-side value checks (bodies, properties, media types, headers) on small real specs,
the mirror of the request side: what the server returns may not widen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.unit.test_api_checks_values_request import api, ids, obj, run


def with_headers(headers: dict[str, Any]) -> dict[str, Any]:
    doc = api(response=obj(id={"type": "string"}))
    doc["paths"]["/pets"]["post"]["responses"]["200"]["headers"] = headers
    return doc


def test_response_type_widened_is_breaking_narrowed_is_not(tmp_path: Path) -> None:
    base, revision = (
        api(response=obj(n={"type": "integer"})),
        api(response=obj(n={"type": "number"})),
    )
    check = "ResponsePropertyTypeChangedCheck"
    assert [(c.id, c.level) for c in run(tmp_path, base, revision, check)] == [
        ("response-property-type-generalized", "error")
    ]
    assert ids(run(tmp_path, revision, base, check)) == ["response-property-type-specialized"]


def test_required_and_write_only_properties_removed(tmp_path: Path) -> None:
    body = obj(id={"type": "string"}, secret={"type": "string", "writeOnly": True},
               note={"type": "string"})  # fmt: skip
    body["required"] = ["id", "secret"]
    base, revision = api(response=body), api(response={"type": "object"})
    required = run(tmp_path, base, revision, "ResponseRequiredPropertyUpdatedCheck")
    assert {c.details["property"]: c.id for c in required} == {
        "id": "response-required-property-removed",
        "secret": "response-required-write-only-property-removed",
    }
    optional = run(tmp_path, base, revision, "ResponseOptionalPropertyUpdatedCheck")
    assert ids(optional) == ["response-optional-property-removed"]


def test_property_became_optional_and_not_write_only(tmp_path: Path) -> None:
    base_body = obj(id={"type": "string"}, pin={"type": "string", "writeOnly": True})
    base_body["required"] = ["id", "pin"]
    revision_body = obj(id={"type": "string"}, pin={"type": "string"})
    revision_body["required"] = ["pin"]
    base, revision = api(response=base_body), api(response=revision_body)
    became = run(tmp_path, base, revision, "ResponsePropertyBecameOptionalCheck")
    assert [(c.id, c.level) for c in became] == [("response-property-became-optional", "error")]
    flipped = run(tmp_path, base, revision, "ResponseRequiredPropertyWriteOnlyReadOnlyCheck")
    assert [(c.id, c.level) for c in flipped] == [
        ("response-required-property-became-not-write-only", "warning")
    ]


def test_enum_value_added_and_body_became_nullable(tmp_path: Path) -> None:
    base = api(response=obj(state={"type": "string", "enum": ["on"]}))
    revision = api(response=obj(state={"type": "string", "enum": ["on", "off"]}))
    added = run(tmp_path, base, revision, "ResponsePropertyEnumValueAddedCheck")
    assert [(c.id, c.level) for c in added] == [("response-property-enum-value-added", "warning")]
    nullable = api(response={**obj(state={"type": "string"}), "nullable": True})
    plain = api(response=obj(state={"type": "string"}))
    assert ids(run(tmp_path, plain, nullable, "ResponsePropertyBecameNullableCheck")) == [
        "response-body-became-nullable"
    ]


def test_response_min_decreased_ignores_write_only(tmp_path: Path) -> None:
    base = api(response=obj(a={"type": "integer", "minimum": 5},
                            b={"type": "integer", "minimum": 5, "writeOnly": True}))  # fmt: skip
    revision = api(response=obj(a={"type": "integer", "minimum": 1},
                                b={"type": "integer", "minimum": 1, "writeOnly": True}))  # fmt: skip
    changes = run(tmp_path, base, revision, "ResponsePropertyMinDecreasedCheck")
    assert [(c.id, c.details["property"]) for c in changes] == [
        ("response-property-min-decreased", "a")
    ]


def test_response_media_type_removed_and_schema_removed(tmp_path: Path) -> None:
    base = api(response=obj(a={"type": "string"}))
    revision = api(response=obj(a={"type": "string"}))
    content = revision["paths"]["/pets"]["post"]["responses"]["200"]["content"]
    content["application/xml"] = content.pop("application/json")
    assert ids(run(tmp_path, base, revision, "ResponseMediaTypeUpdatedCheck")) == [
        "response-media-type-added", "response-media-type-removed",
    ]  # fmt: skip
    bare = api(response=obj(a={"type": "string"}))
    del bare["paths"]["/pets"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert [
        (c.id, c.level) for c in run(tmp_path, base, bare, "MediaTypeSchemaExistenceCheck")
    ] == [("response-body-media-type-schema-removed", "warning")]


def test_response_headers_removed_optional_and_retyped(tmp_path: Path) -> None:
    base = with_headers({
        "X-Rate": {"required": True, "schema": {"type": "integer"}},
        "X-Id": {"required": True, "schema": {"type": "string"}},
        "X-Trace": {"schema": {"type": "string"}},
    })  # fmt: skip
    revision = with_headers({"X-Rate": {"schema": {"type": "number"}}})
    removed = run(tmp_path, base, revision, "ResponseHeaderRemovedCheck")
    assert {c.details["header"]: c.id for c in removed} == {
        "X-Id": "required-response-header-removed", "X-Trace": "optional-response-header-removed",
    }  # fmt: skip
    assert ids(run(tmp_path, base, revision, "ResponseHeaderBecameOptionalCheck")) == [
        "response-header-became-optional"
    ]
    assert ids(run(tmp_path, base, revision, "ResponseHeaderTypeChangedCheck")) == [
        "response-header-type-generalized"
    ]


def test_property_stability_decrease_counts_only_from_checked_levels(tmp_path: Path) -> None:
    stable = api(response=obj(a={"type": "string", "x-stability-level": "stable"}))
    draft = api(response=obj(a={"type": "string", "x-stability-level": "draft"}))
    check = "ResponsePropertyStabilityUpdatedCheck"
    assert ids(run(tmp_path, stable, draft, check)) == ["response-property-stability-decreased"]
    assert run(tmp_path, draft, stable, check) == []  # draft is below the default level (beta)
    assert ids(run(tmp_path, draft, stable, check, stability_level="draft")) == [
        "response-property-stability-increased"
    ]


def test_renamed_response_media_type_is_one_change_not_removed_and_added(tmp_path: Path) -> None:
    base = api(response=obj(a={"type": "string"}))
    problem = api(response=obj(a={"type": "string"}))
    content = problem["paths"]["/pets"]["post"]["responses"]["200"]["content"]
    content["application/problem+json"] = content.pop("application/json")
    assert run(tmp_path, base, problem, "ResponseMediaTypeUpdatedCheck") == []
    check = "ResponseMediaTypeNameUpdatedCheck"
    assert [(c.id, c.level) for c in run(tmp_path, base, problem, check)] == [
        ("response-media-type-name-specialized", "info")
    ]
    assert [(c.id, c.level) for c in run(tmp_path, problem, base, check)] == [
        ("response-media-type-name-generalized", "error")
    ]


def test_draft_endpoints_are_out_of_scope_and_bad_property_levels_reported(tmp_path: Path) -> None:
    base = api(response=obj(a={"type": "integer", "minimum": 5}))
    revision = api(response=obj(a={"type": "integer", "minimum": 1}))
    revision["paths"]["/pets"]["post"]["x-stability-level"] = "draft"
    check = "ResponsePropertyMinDecreasedCheck"
    assert run(tmp_path, base, revision, check) == []
    assert ids(run(tmp_path, base, revision, check, stability_level="draft")) == [
        "response-property-min-decreased"
    ]
    odd = api(response=obj(a={"type": "string", "x-stability-level": "gamma"}))
    plain = api(response=obj(a={"type": "string"}))
    found = run(tmp_path, plain, odd, "ResponsePropertyStabilityUpdatedCheck")
    assert [(c.id, c.level) for c in found] == [("api-invalid-stability-level", "error")]
