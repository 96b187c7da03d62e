"""if/then/else, contains, propertyNames, unevaluated*, content*, patternProperties,
dependentSchemas, dependentRequired and discriminator checks on small real specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.spec import load_spec


def _spec(path: Path, body: dict[str, Any]) -> str:
    """POST /things takes `body` in its request and answers 201 with it."""
    content = {"application/json": {"schema": body}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {"content": content},
                    "responses": {"201": {"description": "ok", "content": content}},
                }
            }
        },
    }
    path.write_text(json.dumps(doc))
    return str(path)


def _diff(
    tmp_path: Path, before: dict[str, Any], after: dict[str, Any], check: str
) -> list[ApiChange]:
    base = load_spec(_spec(tmp_path / "base.json", before))
    revision = load_spec(_spec(tmp_path / "revision.json", after))
    return diff_specs(base, revision, checks=[check])


def _ids(changes: list[ApiChange]) -> dict[str, str]:
    return {change.id: change.level for change in changes}


def _nested(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"data": schema}}


def test_if_then_else_added_breaks_requests_not_responses(tmp_path: Path) -> None:
    before = _nested({"type": "object"})
    after = _nested(
        {
            "type": "object",
            "if": {"required": ["a"]},
            "then": {"required": ["b"]},
            "else": {"required": ["c"]},
        }
    )
    request = _diff(tmp_path, before, after, "RequestPropertyIfUpdatedCheck")
    assert _ids(request) == {
        "request-property-if-added": "error",
        "request-property-then-added": "error",
        "request-property-else-added": "error",
    }
    assert all(change.details["property"] == "data" for change in request)
    response = _diff(tmp_path, after, before, "ResponsePropertyIfUpdatedCheck")
    assert _ids(response) == {
        "response-property-if-removed": "error",
        "response-property-then-removed": "error",
        "response-property-else-removed": "error",
    }


def test_changed_if_subschema_is_not_an_added_one(tmp_path: Path) -> None:
    before = {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}}
    after = {"type": "object", "if": {"required": ["z"]}, "then": {"required": ["b"]}}
    assert _diff(tmp_path, before, after, "RequestPropertyIfUpdatedCheck") == []


def test_contains_and_its_bounds(tmp_path: Path) -> None:
    before = {"type": "array", "contains": {"type": "string"}, "minContains": 1, "maxContains": 5}
    after = {"type": "array", "contains": {"type": "string"}, "minContains": 2, "maxContains": 3}
    found = _diff(tmp_path, before, after, "RequestPropertyContainsUpdatedCheck")
    assert _ids(found) == {
        "request-body-min-contains-increased": "error",
        "request-body-max-contains-decreased": "error",
    }
    gone = {"type": "array"}
    found = _diff(tmp_path, before, gone, "ResponsePropertyContainsUpdatedCheck")
    assert _ids(found) == {"response-body-contains-removed": "error"}


@pytest.mark.parametrize(
    ("keyword", "stem"),
    [("unevaluatedProperties", "unevaluated-properties"), ("propertyNames", "property-names")],
)
def test_schema_keyword_added_to_a_request(tmp_path: Path, keyword: str, stem: str) -> None:
    check = (
        "RequestPropertyUnevaluatedUpdatedCheck"
        if keyword.startswith("unevaluated")
        else "RequestPropertyPropertyNamesUpdatedCheck"
    )
    found = _diff(
        tmp_path, {"type": "object"}, {"type": "object", keyword: {"maxLength": 3}}, check
    )
    assert _ids(found) == {f"request-body-{stem}-added": "error"}


def test_unevaluated_false_is_not_a_subschema(tmp_path: Path) -> None:
    found = _diff(
        tmp_path,
        {"type": "object"},
        {"type": "object", "unevaluatedProperties": False},
        "RequestPropertyUnevaluatedUpdatedCheck",
    )
    assert found == []


def test_content_media_type_and_encoding(tmp_path: Path) -> None:
    before = _nested({"type": "string", "contentMediaType": "image/png"})
    after = _nested(
        {
            "type": "string",
            "contentMediaType": "image/jpeg",
            "contentEncoding": "base64",
            "contentSchema": {"type": "object"},
        }
    )
    found = _diff(tmp_path, before, after, "ResponsePropertyContentUpdatedCheck")
    assert _ids(found) == {
        "response-property-content-media-type-changed": "error",
        "response-property-content-encoding-changed": "error",
        "response-property-content-schema-added": "info",
    }
    media = next(c for c in found if c.id.endswith("media-type-changed"))
    assert media.details["before"] == "image/png" and media.details["after"] == "image/jpeg"


def test_pattern_properties_and_dependent_schemas_one_finding_per_key(tmp_path: Path) -> None:
    before = {"type": "object", "patternProperties": {"^a": {"type": "string"}}}
    after = {
        "type": "object",
        "patternProperties": {"^b": {"type": "string"}, "^c": {}},
        "dependentSchemas": {"card": {"required": ["billing"]}},
    }
    found = _diff(tmp_path, before, after, "RequestPropertyPatternPropertiesUpdatedCheck")
    assert sorted(c.id for c in found) == ["request-body-pattern-property-added"] * 2 + [
        "request-body-pattern-property-removed"
    ]
    found = _diff(tmp_path, before, after, "RequestPropertyDependentSchemasUpdatedCheck")
    assert _ids(found) == {"request-body-dependent-schema-added": "error"}


def test_dependent_required_compares_lists_as_sets(tmp_path: Path) -> None:
    before = {"type": "object", "dependentRequired": {"card": ["billing", "zip"], "x": ["y"]}}
    same = {"type": "object", "dependentRequired": {"card": ["zip", "billing"], "x": ["y"]}}
    assert _diff(tmp_path, before, same, "RequestPropertyDependentRequiredChangedCheck") == []
    after = {"type": "object", "dependentRequired": {"card": ["billing"], "n": ["m"]}}
    found = _diff(tmp_path, before, after, "RequestPropertyDependentRequiredChangedCheck")
    assert _ids(found) == {
        "request-body-dependent-required-changed": "error",
        "request-body-dependent-required-added": "error",
        "request-body-dependent-required-removed": "info",
    }


def test_discriminator_name_and_mapping(tmp_path: Path) -> None:
    def schema(name: str, mapping: dict[str, str]) -> dict[str, Any]:
        return {"type": "object", "discriminator": {"propertyName": name, "mapping": mapping}}

    before = schema("kind", {"cat": "#/c/Cat", "dog": "#/c/Dog"})
    after = schema("type", {"cat": "#/c/Kitty", "fox": "#/c/Fox"})
    found = _diff(tmp_path, before, after, "ResponseDiscriminatorUpdatedCheck")
    assert set(_ids(found)) == {
        "response-body-discriminator-property-name-changed",
        "response-body-discriminator-mapping-added",
        "response-body-discriminator-mapping-deleted",
        "response-body-discriminator-mapping-changed",
    }
    found = _diff(tmp_path, {"type": "object"}, before, "RequestDiscriminatorUpdatedCheck")
    assert _ids(found) == {"request-body-discriminator-added": "info"}
