"""allOf / anyOf / oneOf / prefixItems checks on small real specs, and how subschema lists pair."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.spec import load_spec


def _spec(path: Path, body: dict[str, Any], components: dict[str, Any] | None = None) -> str:
    """A spec whose POST /pets takes `body` and answers 200 with `body`."""
    content = {"application/json": {"schema": body}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {
                "post": {
                    "requestBody": {"content": content},
                    "responses": {"200": {"description": "ok", "content": content}},
                }
            }
        },
        "components": {"schemas": components or {}},
    }
    path.write_text(json.dumps(doc))
    return str(path)


def _diff(
    tmp_path: Path,
    before: dict[str, Any],
    after: dict[str, Any],
    check: str,
    components: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
) -> list[ApiChange]:
    base = load_spec(_spec(tmp_path / "base.json", before, components[0]))
    revision = load_spec(_spec(tmp_path / "revision.json", after, components[1]))
    return diff_specs(base, revision, checks=[check])


def _ids(changes: list[ApiChange]) -> list[str]:
    return sorted(change.id for change in changes)


OBJ = {"type": "object", "properties": {"name": {"type": "string"}}}


def test_all_of_entry_added_in_body_and_property_is_an_error_on_requests(tmp_path: Path) -> None:
    before = {"allOf": [OBJ], "properties": {"tag": {"allOf": [{"type": "string"}]}}}
    after = {
        "allOf": [OBJ, {"required": ["name"]}],
        "properties": {"tag": {"allOf": [{"type": "string"}, {"maxLength": 3}]}},
    }
    found = _diff(tmp_path, before, after, "RequestPropertyAllOfUpdatedCheck")
    assert _ids(found) == ["request-body-all-of-added", "request-property-all-of-added"]
    assert {change.level for change in found} == {"error"}
    prop = next(c for c in found if c.id == "request-property-all-of-added")
    assert prop.details["property"] == "tag"
    assert "subschema #2" in prop.text and prop.operation == "POST /pets"


def test_all_of_entry_with_only_a_title_is_info_with_its_own_id(tmp_path: Path) -> None:
    found = _diff(
        tmp_path,
        {"allOf": [OBJ]},
        {"allOf": [OBJ, {"title": "Pet"}]},
        "RequestPropertyAllOfUpdatedCheck",
    )
    assert _ids(found) == ["request-body-all-of-added-annotation-only"]
    assert found[0].level == "info"


def test_all_of_response_side_uses_response_ids(tmp_path: Path) -> None:
    found = _diff(
        tmp_path,
        {"allOf": [OBJ, {"required": ["name"]}]},
        {"allOf": [OBJ]},
        "ResponsePropertyAllOfUpdatedCheck",
    )
    assert _ids(found) == ["response-body-all-of-removed"]
    assert found[0].details["status"] == "200"


def test_any_of_ref_moved_inline_unchanged_is_no_request_change(tmp_path: Path) -> None:
    comps = {"Cat": {"type": "object", "properties": {"meow": {"type": "boolean"}}}}
    before = {"anyOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "string"}]}
    after = {"anyOf": [dict(comps["Cat"], description="inline now"), {"type": "string"}]}
    assert _diff(tmp_path, before, after, "RequestPropertyAnyOfUpdatedCheck", (comps, comps)) == []
    # a real removal is still reported, at ERR
    removed = {"anyOf": [{"type": "string"}]}
    found = _diff(tmp_path, before, removed, "RequestPropertyAnyOfUpdatedCheck", (comps, comps))
    assert _ids(found) == ["request-body-any-of-removed"]
    assert found[0].level == "error" and "#/components/schemas/Cat" in found[0].text


def test_one_of_list_of_types_is_left_to_its_own_check(tmp_path: Path) -> None:
    before = {"properties": {"v": {"oneOf": [{"type": "string"}]}}}
    after = {"properties": {"v": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}
    assert _diff(tmp_path, before, after, "ResponsePropertyOneOfUpdated") == []
    objects = {"properties": {"v": {"oneOf": [OBJ, {"type": "object", "required": ["x"]}]}}}
    single = {"properties": {"v": {"oneOf": [OBJ]}}}
    found = _diff(tmp_path, single, objects, "ResponsePropertyOneOfUpdated")
    assert _ids(found) == ["response-property-one-of-added"]
    assert found[0].level == "error"


def test_body_wrapped_in_one_of_reports_no_one_of_added(tmp_path: Path) -> None:
    after = {"oneOf": [OBJ, {"type": "object", "properties": {"id": {"type": "integer"}}}]}
    assert _diff(tmp_path, OBJ, after, "RequestPropertyOneOfUpdatedCheck") == []


def test_prefix_items_pair_by_position(tmp_path: Path) -> None:
    before = {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}
    swapped = {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]}
    longer = {"type": "array", "prefixItems": [*before["prefixItems"], {"type": "boolean"}]}
    assert _diff(tmp_path, before, swapped, "RequestPropertyPrefixItemsUpdatedCheck") == []
    found = _diff(tmp_path, before, longer, "ResponsePropertyPrefixItemsUpdatedCheck")
    assert _ids(found) == ["response-body-prefix-items-added"]
    assert "subschema #3" in found[0].text


def test_prefix_item_saying_what_items_says_changes_nothing(tmp_path: Path) -> None:
    before = {"type": "array", "items": {"type": "string"}}
    after = {"type": "array", "items": {"type": "string"}, "prefixItems": [{"type": "string"}]}
    assert _diff(tmp_path, before, after, "RequestPropertyPrefixItemsUpdatedCheck") == []
    other = {"type": "array", "items": {"type": "string"}, "prefixItems": [{"type": "integer"}]}
    found = _diff(tmp_path, before, other, "RequestPropertyPrefixItemsUpdatedCheck")
    assert _ids(found) == ["request-body-prefix-items-added"]


def test_any_of_entry_swapped_for_an_equal_component_is_a_change(tmp_path: Path) -> None:
    """oasdiff pairs `$ref` entries by name: Cat -> Rabbit is a removal and an addition even
    when both components say the same."""
    comps = {"Cat": OBJ, "Rabbit": OBJ}
    before = {"anyOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "string"}]}
    after = {"anyOf": [{"$ref": "#/components/schemas/Rabbit"}, {"type": "string"}]}
    found = _diff(tmp_path, before, after, "ResponsePropertyAnyOfUpdatedCheck", (comps, comps))
    assert _ids(found) == ["response-body-any-of-added", "response-body-any-of-removed"]


def test_the_shared_walk_is_made_once_and_dropped_with_its_diff(tmp_path: Path) -> None:
    import gc
    import weakref

    from gitmigrate.openapi.checks import composed_common
    from gitmigrate.openapi.context import DiffContext

    before = {"allOf": [OBJ], "anyOf": [{"type": "string"}]}
    after = {"allOf": [OBJ, {"required": ["name"]}], "anyOf": [{"type": "string"}, OBJ]}
    base = load_spec(_spec(tmp_path / "base.json", before))
    revision = load_spec(_spec(tmp_path / "revision.json", after))
    found = diff_specs(
        base,
        revision,
        checks=["RequestPropertyAllOfUpdatedCheck", "RequestPropertyAnyOfUpdatedCheck"],
    )
    assert _ids(found) == ["request-body-all-of-added", "request-body-any-of-added"]
    ctx = DiffContext(base, revision)
    first = composed_common.walk(ctx, "request")
    assert first and composed_common.walk(ctx, "request") is first  # made once per run
    gone = weakref.ref(ctx)
    del ctx, first
    gc.collect()
    assert gone() is None  # nothing outlives the run
